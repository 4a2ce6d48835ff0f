-- Proves claiming and recording: SKIP LOCKED claims expire, a 410 disables at once, and the secrets
-- of a rotation both sign during the overlap only.
do $$
declare
  v_claimed jsonb;
  v_now timestamptz := clock_timestamp() + interval '1 second';
begin
  insert into webhook_endpoints (id, url, secret) values ('we_claims', 'https://app.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=');
  perform enqueue_webhook_event('credits.adjusted', null, '{}');
  -- A caller whose clock reads the same millisecond as the delivery's stamp (ms, truncated) finds it due.
  assert jsonb_array_length(claim_webhook_deliveries(date_trunc('milliseconds', (select max(next_attempt_at)
    from webhook_deliveries where endpoint_id = 'we_claims')), 10, 0, 'token-same-ms')) = 1, 'due within the caller''s millisecond';
  update webhook_deliveries set claimed_until = null, claim_token = null where endpoint_id = 'we_claims';
  v_claimed := claim_webhook_deliveries(v_now, 10, 30, 'token-a');
  assert jsonb_array_length(v_claimed) = 1, 'the due delivery is claimed';
  assert jsonb_array_length(claim_webhook_deliveries(v_now, 10, 30, 'token-b')) = 0, 'a claimed delivery is not claimed twice';
  v_claimed := claim_webhook_deliveries(v_now + interval '31 seconds', 10, 30, 'token-c');
  assert jsonb_array_length(v_claimed) = 1, 'an expired claim is claimed again';
  assert record_webhook_attempt((v_claimed->0->>'id')::bigint, 'token-a', v_now, false, 500, 'late', v_now, 3600) is null,
    'the expired claim''s worker cannot record its attempt';
  perform record_webhook_attempt((v_claimed->0->>'id')::bigint, 'token-c', v_now + interval '31 seconds', false, 410, 'gone', v_now, 3600);
  assert (select not enabled and disabled_reason = 'gone' from webhook_endpoints where id = 'we_claims'), 'HTTP 410 disables the endpoint';

  perform update_webhook_endpoint('we_claims', null, null, null, true);
  perform rotate_webhook_endpoint_secret('we_claims', 'whsec_bmV3bmV3bmV3bmV3bmV3bmV3', v_now, 86400);
  v_claimed := claim_webhook_deliveries(v_now + interval '1 hour', 10, 30, 'token-d');
  assert jsonb_array_length(v_claimed->0->'secrets') = 2, 'both secrets sign during the overlap';
  perform record_webhook_attempt((v_claimed->0->>'id')::bigint, 'token-d', v_now, false, 500, 'again', v_now, 3600);
  v_claimed := claim_webhook_deliveries(v_now + interval '25 hours', 10, 30, 'token-e');
  assert v_claimed->0->'secrets' = '["whsec_bmV3bmV3bmV3bmV3bmV3bmV3"]'::jsonb, 'only the new secret after it';
  perform pg_temp.assert_refused($sql$select update_webhook_endpoint('we_nobody', null, null, null, true)$sql$, 'TU404', 'an unknown endpoint is not found');
end
$$;

-- Proves recording in batches: one call records a success and a failure of two endpoints, skips an
-- attempt whose claim token is not the delivery's, and a 410 in a batch disables its endpoint.
do $$
declare
  v_claimed jsonb;
  v_now timestamptz := clock_timestamp() + interval '1 second';
  v_ok bigint;
  v_bad bigint;
begin
  insert into webhook_endpoints (id, url, secret) values ('we_batch_ok', 'https://ok.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=');
  insert into webhook_endpoints (id, url, secret) values ('we_batch_bad', 'https://bad.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=');
  perform enqueue_webhook_event('credits.adjusted', null, '{}');
  v_claimed := claim_webhook_deliveries(v_now, 10, 30, 'token-batch');
  assert (select count(*) from jsonb_array_elements(v_claimed) c where c->>'endpointId' like 'we_batch_%') = 2, 'one delivery per endpoint is claimed';
  select (c->>'id')::bigint into v_ok from jsonb_array_elements(v_claimed) c where c->>'endpointId' = 'we_batch_ok';
  select (c->>'id')::bigint into v_bad from jsonb_array_elements(v_claimed) c where c->>'endpointId' = 'we_batch_bad';
  assert record_webhook_attempts(v_now, jsonb_build_array(
    jsonb_build_object('id', v_ok, 'claimToken', 'token-batch', 'succeeded', true, 'statusCode', 204, 'error', null, 'nextAttemptAt', null),
    jsonb_build_object('id', v_bad, 'claimToken', 'another-worker', 'succeeded', false, 'statusCode', 500, 'error', 'x', 'nextAttemptAt', v_now)), 3600) = 1,
    'only the attempt with the delivery''s claim token is recorded';
  assert (select status = 'succeeded' and attempts = 1 and delivered_at = v_now from webhook_deliveries where id = v_ok), 'the success is recorded';
  assert (select status = 'pending' and attempts = 0 from webhook_deliveries where id = v_bad), 'the other is untouched';
  assert record_webhook_attempts(v_now, jsonb_build_array(
    jsonb_build_object('id', v_bad, 'claimToken', 'token-batch', 'succeeded', false, 'statusCode', 410, 'error', 'HTTP 410', 'nextAttemptAt', v_now + interval '5 seconds')), 3600) = 1,
    'the failure is recorded';
  assert (select status = 'pending' and attempts = 1 and last_status_code = 410 and claim_token is null from webhook_deliveries where id = v_bad), 'due again, unclaimed';
  assert (select not enabled and disabled_reason = 'gone' and failing_since = v_now from webhook_endpoints where id = 'we_batch_bad'), '410 disables its endpoint';
  assert (select enabled and failing_since is null from webhook_endpoints where id = 'we_batch_ok'), 'the other endpoint is untouched';
  assert not claim_webhook_deliveries(v_now + interval '1 minute', 10, 30, 'token-later') @> '[{"endpointId": "we_batch_bad"}]', 'a disabled endpoint''s deliveries are not claimed';
end
$$;
