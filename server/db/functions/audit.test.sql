-- Proves run_audited in SQL alone: the mutation and its audit record land together (user from the
-- input or the result, arrays and jsonb arguments cast), a refused mutation leaves neither, secrets
-- are redacted, only allow-listed functions run, and the log is append-only.
do $$
declare
  v_entry jsonb;
  v_record audit_log;
  v_endpoint jsonb;
begin
  perform ensure_user('user_audit_sql', null);
  v_entry := run_audited('adjust_credits',
    '{"p_user_id": "user_audit_sql", "p_delta": 40, "p_reason": "opening", "p_actor": "user_admin", "p_idempotency_key": "a1"}',
    '{"actor": "user_admin", "action": "adjustCredits", "requestId": "req-1", "input": {"delta": 40}}');
  assert (v_entry->>'balanceAfter')::bigint = 40, 'the mutation ran and its result is returned';
  select * into v_record from audit_log where request_id = 'req-1';
  assert v_record.actor = 'user_admin' and v_record.action = 'adjustCredits' and v_record.user_id = 'user_audit_sql',
    'the record names the actor, the action and (from the result) the user';
  assert v_record.input = '{"delta": 40}' and v_record.result->>'id' = v_entry->>'id', 'the record keeps the input and the result';

  perform pg_temp.assert_refused($sql$select run_audited('adjust_credits',
    '{"p_user_id": "user_audit_sql", "p_delta": -100, "p_reason": "too much", "p_actor": "user_admin", "p_idempotency_key": "a2"}',
    '{"actor": "user_admin", "action": "adjustCredits", "requestId": "req-2", "input": {}}')$sql$, 'TU402', 'an overdraw is refused as it is without run_audited');
  assert not exists (select 1 from audit_log where request_id = 'req-2'), 'a refused mutation writes no audit record';
  assert (select credits from users where id = 'user_audit_sql') = 40, 'and no effect';
  perform record_refused_attempt('{"actor": "user_admin", "action": "adjustCredits", "requestId": "req-2", "userId": "user_audit_sql", "input": {"delta": -100, "secret": "s"}}',
    '{"code": "INSUFFICIENT_CREDITS", "message": "not enough"}');
  select * into v_record from audit_log where request_id = 'req-2';
  assert v_record.refused and v_record.result = '{"error": {"code": "INSUFFICIENT_CREDITS", "message": "not enough"}}',
    'the attempt is recorded on its own, marked refused, with its error';
  assert v_record.input->>'secret' = '[redacted]', 'a refused attempt is redacted too';

  v_endpoint := run_audited('create_webhook_endpoint',
    '{"p_url": "https://app.example/audit", "p_event_types": ["balance.low"], "p_description": "", "p_secret": "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q="}',
    '{"actor": "user_admin", "action": "createWebhookEndpoint", "requestId": "req-3", "input": {"url": "https://app.example/audit", "secret": "x", "nested": ["whsec_abc"]}}');
  assert (select event_types from webhook_endpoints where id = v_endpoint->>'id') = '{balance.low}', 'a JSON array becomes a text[] argument';
  select * into v_record from audit_log where request_id = 'req-3';
  assert v_record.user_id is null, 'an endpoint is about no user';
  assert v_record.input = '{"url": "https://app.example/audit", "secret": "[redacted]", "nested": ["[redacted]"]}', 'secrets are redacted by key and by shape';
  assert v_record.result::text not like '%whsec_%', 'no secret in the result';

  perform run_audited('set_low_balance_threshold', '{"p_user_id": "user_audit_sql", "p_credits": 5}',
    '{"actor": "svc", "action": "setLowBalanceThreshold", "requestId": "req-4", "userId": "user_audit_sql", "input": null}');
  assert (select user_id from audit_log where request_id = 'req-4') = 'user_audit_sql', 'the user may be given';

  perform pg_temp.assert_refused($sql$select run_audited('ensure_user', '{"p_user_id": "user_x"}', '{"actor": "a", "action": "b", "requestId": "c"}')$sql$,
    'P0001', 'only allow-listed functions run');
  perform pg_temp.assert_refused($sql$select run_audited('release_credits', '{"p_hold": "1"}', '{"actor": "a", "action": "b", "requestId": "c"}')$sql$,
    'P0001', 'an argument the function does not take is refused');
  perform pg_temp.assert_refused($sql$select run_audited('release_credits', '{"p_hold_id": "1"}', '{"actor": "a", "action": "b"}')$sql$,
    'P0001', 'a record without a request id is refused');
  perform pg_temp.assert_refused($sql$update audit_log set actor = 'someone else'$sql$, 'P0001', 'the log is append-only');
  perform pg_temp.assert_refused($sql$delete from audit_log$sql$, 'P0001', 'records are never deleted');
end
$$;

-- Proves list_audit_log's filters and keyset pages: newest first, each filter narrows, the cursor
-- continues after the last record seen.
do $$
declare
  v_page jsonb;
  v_next jsonb;
begin
  insert into audit_log (actor, action, user_id, input, result, request_id, created_at) values
    ('admin_a', 'adjustCredits', 'user_l1', '{}', '{}', 'l1', '2026-01-01T00:00:00Z'),
    ('admin_a', 'spendCredits', 'user_l2', '{}', '{}', 'l2', '2026-01-02T00:00:00Z'),
    ('admin_b', 'adjustCredits', 'user_l1', '{}', '{}', 'l3', '2026-01-03T00:00:00Z');
  insert into audit_log (actor, action, user_id, refused, input, result, request_id, created_at) values
    ('admin_b', 'adjustCredits', 'user_l1', true, '{}', '{}', 'l4', '2026-01-05T00:00:00Z');
  assert (select list_audit_log(p_refused => true, p_actor => 'admin_b', p_limit => 10)->0->'node'->>'requestId') = 'l4'
    and jsonb_array_length(list_audit_log(p_refused => true, p_actor => 'admin_b', p_limit => 10)) = 1, 'refused attempts alone';
  assert jsonb_array_length(list_audit_log(p_refused => false, p_user_id => 'user_l1', p_limit => 10)) = 2, 'successes alone';
  v_page := list_audit_log(p_actor => 'admin_a', p_limit => 10);
  assert jsonb_array_length(v_page) = 2 and v_page->0->'node'->>'requestId' = 'l2', 'by actor, newest first';
  assert jsonb_array_length(list_audit_log(p_action => 'adjustCredits', p_user_id => 'user_l1', p_limit => 10)) = 3, 'by action and user (refused attempts too)';
  assert jsonb_array_length(list_audit_log(p_from => '2026-01-02T00:00:00Z', p_to => '2026-01-03T00:00:00Z', p_limit => 10)) = 1, '[from, to)';
  v_page := list_audit_log(p_from => '2026-01-01T00:00:00Z', p_to => '2026-01-04T00:00:00Z', p_limit => 1);
  assert jsonb_array_length(v_page) = 2, 'one row more than asked tells that a next page exists';
  v_next := list_audit_log(p_from => '2026-01-01T00:00:00Z', p_to => '2026-01-04T00:00:00Z', p_after => v_page->0->>'cursor', p_limit => 5);
  assert jsonb_array_length(v_next) = 2 and v_next->0->'node'->>'requestId' = 'l2', 'the next page starts after the cursor';
  perform pg_temp.assert_refused($sql$select list_audit_log(p_after => 'x')$sql$, 'TU400', 'a malformed cursor is bad input');
end
$$;
