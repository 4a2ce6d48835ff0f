-- Proves run_retention in SQL: exactly what finished before the cutoff goes (settled deliveries,
-- finished mail, events nothing references any more, processed Stripe events' JSON, ended
-- rate-limit windows), nothing pending or new does; a second run removes nothing; a round takes at
-- most its limit of each; a replay keeps its original; RETENTION_DAYS 0 keeps all but rate-limit
-- windows; a pruned receipt is not mailed again when its purchase is settled again.
--
-- Rows are written in time order, old ones first (ids grow with created_at, as in production: the
-- prunes stop at the first id created since the cutoff), and their times are then set back.

do $$
declare
  v_now timestamptz := clock_timestamp();
  v_old timestamptz := v_now - interval '100 days';
  v_events bigint[];
  v_new bigint;
  v_result jsonb;
  v_users bigint := (select count(*) from users);
begin
  perform ensure_user('user_retention', 'keep@example.com');
  perform ensure_user('user_retention_no_email', null);
  insert into webhook_endpoints (id, url, secret) values ('we_retention', 'https://app.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=');
  -- 1 delivered, 2 given up, 3 still pending, 4 delivered with its mail pending, 5 delivered and
  -- mailed, 6 delivered only yesterday (after retries), 7 delivered and mail skipped, 8 delivered
  -- and mail failed for good: all written 100 days ago.
  v_events := array[
    enqueue_webhook_event('credits.spent', 'user_retention', '{}'),
    enqueue_webhook_event('credits.spent', 'user_retention', '{}'),
    enqueue_webhook_event('credits.spent', 'user_retention', '{}'),
    enqueue_webhook_event('balance.low', 'user_retention', '{"balance": 5, "thresholdCredits": 100}'),
    enqueue_webhook_event('balance.low', 'user_retention', '{"balance": 4, "thresholdCredits": 100}'),
    enqueue_webhook_event('credits.spent', 'user_retention', '{}'),
    enqueue_webhook_event('balance.low', 'user_retention_no_email', '{"balance": 3, "thresholdCredits": 100}'),
    enqueue_webhook_event('balance.low', 'user_retention', '{"balance": 2, "thresholdCredits": 100}')];
  update webhook_events set created_at = v_old where id = any (v_events);
  update webhook_deliveries set created_at = v_old, next_attempt_at = v_old + interval '1 minute', attempts = 1,
    status = case when event_id = v_events[2] then 'failed' when event_id = v_events[3] then 'pending' else 'succeeded' end,
    delivered_at = case when event_id = v_events[6] then v_now - interval '1 day'
      when event_id not in (v_events[2], v_events[3]) then v_old + interval '1 minute' end
  where event_id = any (v_events);
  update mail_outbox set created_at = v_old, next_attempt_at = v_old,
    status = case when event_id = v_events[5] then 'sent' when event_id = v_events[8] then 'failed' else status end,
    sent_at = case when event_id = v_events[5] then v_old + interval '1 minute' end
  where event_id = any (v_events);
  assert (select array_agg(status order by event_id) from mail_outbox where event_id = any (v_events))
    = array['pending', 'sent', 'skipped', 'failed'], 'the old mails: pending, sent, skipped, failed';
  -- Written now, delivered and mailed now: new, so it stays.
  v_new := enqueue_webhook_event('balance.low', 'user_retention', '{"balance": 1, "thresholdCredits": 100}');
  update webhook_deliveries set status = 'succeeded', delivered_at = v_now where event_id = v_new;
  update mail_outbox set status = 'sent', sent_at = v_now where event_id = v_new;

  insert into stripe_events (id, type, created_at_stripe, received_at, processed_at, outcome_kind, payload) values
    ('evt_retention_old', 'charge.refunded', v_old, v_old, v_old + interval '1 second', 'processed', '{"id": "evt_retention_old"}'),
    ('evt_retention_unprocessed', 'charge.refunded', v_old, v_old, null, 'failed', '{"id": "evt_retention_unprocessed"}'),
    ('evt_retention_recent', 'charge.refunded', v_now, v_now - interval '1 day', v_now - interval '1 day', 'processed', '{"id": "evt_retention_recent"}'),
    ('evt_retention_never', 'charge.refunded', v_old, v_old, v_old, 'processed', null);
  insert into rate_limit_windows (key, window_start, hits) values
    ('retention:ended', v_now - interval '25 hours', 3), ('retention:current', v_now - interval '1 hour', 3);

  v_result := run_retention(v_now, 90, 1000);
  assert v_result = '{"webhookDeliveries": 6, "mails": 3, "webhookEvents": 5, "stripePayloads": 1, "rateLimitWindows": 1}'::jsonb,
    'the counts of what went: ' || v_result::text;
  assert (select array_agg(event_id order by event_id) from webhook_deliveries)
    = array[v_events[3], v_events[6], v_new], 'the pending, the recently settled and the new deliveries stay';
  assert (select array_agg(event_id order by event_id) from mail_outbox)
    = array[v_events[4], v_new], 'the pending and the new mail stay; sent, skipped and failed old mail goes';
  assert (select array_agg(id order by id) from webhook_events)
    = array[v_events[3], v_events[4], v_events[6], v_new], 'an event goes once nothing of it is pending or recent';
  assert (select payload is null and payload_removed_at = v_now and outcome_kind = 'processed' from stripe_events where id = 'evt_retention_old'),
    'an old processed event keeps its row, loses its JSON, and says when';
  assert (select count(*) from stripe_events where payload is not null) = 2 and (select count(*) from stripe_events) = 4,
    'an unprocessed or recent event keeps its JSON; no row goes';
  assert (select payload_removed_at is null from stripe_events where id = 'evt_retention_never'), 'an event that never had JSON is not marked';
  assert (find_stripe_event('evt_retention_old')->>'payloadRemovedAt') is not null
    and not (find_stripe_event('evt_retention_old')->>'hasPayload')::boolean, 'the event log says the JSON was removed';
  assert (select array_agg(key) from rate_limit_windows) = array['retention:current'], 'only the ended rate-limit window goes';
  assert (select count(*) from users) = v_users + 2, 'users stay';

  v_result := run_retention(v_now, 90, 1000);
  assert v_result = '{"webhookDeliveries": 0, "mails": 0, "webhookEvents": 0, "stripePayloads": 0, "rateLimitWindows": 0}'::jsonb,
    'a second run removes nothing: ' || v_result::text;
end
$$;

-- A round takes at most p_limit of each kind; rounds repeat until a round is not full.
do $$
declare
  v_now timestamptz := clock_timestamp();
  v_result jsonb;
  v_ids bigint[];
begin
  delete from webhook_deliveries;
  delete from webhook_endpoints;
  delete from mail_outbox;
  delete from webhook_events;
  perform ensure_user('user_retention_batch', null);
  insert into webhook_endpoints (id, url, secret) values ('we_retention_batch', 'https://app.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=');
  for i in 1..5 loop
    perform enqueue_webhook_event('credits.spent', 'user_retention_batch', '{}');
  end loop;
  update webhook_events set created_at = v_now - interval '100 days';
  update webhook_deliveries set created_at = v_now - interval '100 days', status = 'succeeded', delivered_at = v_now - interval '99 days';
  v_ids := (select array_agg(id order by id) from webhook_events);
  v_result := run_retention(v_now, 90, 2);
  assert (v_result->>'webhookDeliveries')::int = 2 and (v_result->>'webhookEvents')::int = 2, 'a full round of 2: ' || v_result::text;
  assert (select count(*) from webhook_deliveries) = 3 and (select count(*) from webhook_events) = 3, 'the oldest two went, with their events';
  assert (select array_agg(id order by id) from webhook_events) = v_ids[3:5]
    and (select array_agg(event_id order by event_id) from webhook_deliveries) = v_ids[3:5], 'oldest first';
  v_result := run_retention(v_now, 90, 2);
  assert (v_result->>'webhookDeliveries')::int = 2, 'another full round';
  v_result := run_retention(v_now, 90, 2);
  assert (v_result->>'webhookDeliveries')::int = 1 and (v_result->>'webhookEvents')::int = 1, 'the last one, a round that is not full';
  assert not exists (select 1 from webhook_events) and not exists (select 1 from webhook_deliveries), 'all went';
end
$$;

-- A replay keeps its original (its foreign key) until the replay itself went; then the original and its event go.
do $$
declare
  v_now timestamptz := clock_timestamp();
  v_event bigint;
  v_original bigint;
  v_result jsonb;
begin
  delete from webhook_deliveries;
  delete from webhook_endpoints;
  delete from mail_outbox;
  delete from webhook_events;
  perform ensure_user('user_retention_replay', null);
  insert into webhook_endpoints (id, url, secret) values ('we_retention_replay', 'https://app.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=');
  v_event := enqueue_webhook_event('credits.spent', 'user_retention_replay', '{}');
  select id into v_original from webhook_deliveries where event_id = v_event;
  perform replay_webhook_delivery(v_original, v_now);
  update webhook_events set created_at = v_now - interval '100 days';
  update webhook_deliveries set created_at = v_now - interval '100 days';
  update webhook_deliveries set status = 'succeeded', delivered_at = v_now - interval '99 days' where id = v_original;
  v_result := run_retention(v_now, 90, 100);
  assert (v_result->>'webhookDeliveries')::int = 0 and (select count(*) from webhook_deliveries) = 2, 'a pending replay keeps its original and its event';
  update webhook_deliveries set status = 'failed', next_attempt_at = v_now - interval '95 days' where replay_of = v_original;
  v_result := run_retention(v_now, 90, 100);
  assert (v_result->>'webhookDeliveries')::int = 1 and (select id from webhook_deliveries) = v_original, 'the settled replay goes first';
  v_result := run_retention(v_now, 90, 100);
  assert (v_result->>'webhookDeliveries')::int = 1 and (v_result->>'webhookEvents')::int = 1, 'then the original, with its event';
  perform pg_temp.assert_refused(format('select replay_webhook_delivery(%s, now())', v_original), 'TU404', 'a removed delivery cannot be replayed: not found');
end
$$;

-- RETENTION_DAYS 0 keeps every outbox row and payload for ever; ended rate-limit windows still go.
do $$
declare
  v_now timestamptz := clock_timestamp();
  v_result jsonb;
begin
  delete from webhook_deliveries;
  delete from webhook_endpoints;
  delete from mail_outbox;
  delete from webhook_events;
  perform ensure_user('user_retention_forever', null);
  perform enqueue_webhook_event('credits.spent', 'user_retention_forever', '{}');
  update webhook_events set created_at = v_now - interval '10 years';
  insert into stripe_events (id, type, created_at_stripe, received_at, processed_at, payload)
  values ('evt_retention_forever', 'charge.refunded', v_now - interval '10 years', v_now - interval '10 years', v_now - interval '10 years', '{}');
  insert into rate_limit_windows (key, window_start, hits) values ('retention:forever', v_now - interval '2 days', 1);
  v_result := run_retention(v_now, 0, 100);
  assert v_result = '{"webhookDeliveries": 0, "mails": 0, "webhookEvents": 0, "stripePayloads": 0, "rateLimitWindows": 1}'::jsonb,
    '0 days: only the ended window goes: ' || v_result::text;
  assert (select count(*) from webhook_events) = 1 and (select payload is not null from stripe_events where id = 'evt_retention_forever'), 'the rest stays';
end
$$;

-- A receipt removed by retention is not mailed again when its purchase is settled again: the
-- ledger's key of the grant (kept for ever) means no second credits.granted is written.
do $$
declare
  v_now timestamptz := clock_timestamp();
  v_settlement jsonb := '{"sessionId": "cs_retention", "outcome": "paid", "amountPaidMinor": 500, "currency": "usd", "paymentIntentId": "pi_retention"}';
begin
  delete from webhook_deliveries;
  delete from webhook_endpoints;
  delete from mail_outbox;
  delete from webhook_events;
  perform ensure_user('user_retention_receipt', 'buyer@example.com');
  perform record_checkout_session('cs_retention', 'user_retention_receipt', 500, 500, 'usd');
  perform settle_checkout_session(v_settlement);
  assert (select count(*) from mail_outbox where template = 'purchase_receipt' and dedupe_key = 'session:cs_retention') = 1, 'one receipt';
  update webhook_events set created_at = v_now - interval '100 days';
  update mail_outbox set created_at = v_now - interval '100 days', status = 'sent', sent_at = v_now - interval '100 days';
  perform run_retention(v_now, 90, 100);
  assert not exists (select 1 from mail_outbox) and not exists (select 1 from webhook_events), 'the receipt and its event went';
  perform settle_checkout_session(v_settlement);
  assert not exists (select 1 from mail_outbox), 'settled again: no second receipt';
  assert (select count(*) from credit_ledger where user_id = 'user_retention_receipt') = 1
    and (select credits from users where id = 'user_retention_receipt') = 500, 'one grant: the ledger is untouched by retention';
end
$$;

-- Bad arguments are input errors.
do $$
begin
  perform pg_temp.assert_refused($sql$select run_retention(now(), -1, 100)$sql$, 'TU400', 'negative days are refused');
  perform pg_temp.assert_refused($sql$select run_retention(now(), 36501, 100)$sql$, 'TU400', 'more than 100 years is refused');
  perform pg_temp.assert_refused($sql$select run_retention(now(), 90, 0)$sql$, 'TU400', 'an empty batch is refused');
  perform pg_temp.assert_refused($sql$select run_retention(null, 90, 100)$sql$, 'TU400', 'a time is needed');
end
$$;
