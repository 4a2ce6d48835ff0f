-- Proves the outbox in SQL alone: each movement writes its event (and a delivery per endpoint that
-- takes its type) in its own transaction, balance.low fires once per crossing and re-arms, and
-- balance.depleted fires on reaching zero.
do $$
declare
  v_entry jsonb;
  v_event webhook_events;
begin
  insert into webhook_endpoints (id, url, secret) values ('we_all', 'https://app.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=');
  insert into webhook_endpoints (id, url, secret, event_types) values ('we_low', 'https://app.example/low', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=', '{balance.low}');
  perform ensure_user('user_outbox_test', null);
  v_entry := grant_credits('user_outbox_test', 150, 'adjustment', 'opening', 'system', 'outbox:1');
  select * into v_event from webhook_events where user_id = 'user_outbox_test' order by id desc limit 1;
  assert v_event.type = 'credits.adjusted', 'an adjustment announces credits.adjusted';
  assert v_event.payload->'data'->>'entryId' = v_entry->>'id' and (v_event.payload->'data'->>'balanceAfter')::bigint = 150,
    'the body names the entry and the balance after it';
  assert (select count(*) from webhook_deliveries where event_id = v_event.id) = 1, 'one delivery: the endpoint that takes every type';

  perform spend_credits('user_outbox_test', 60, 'use', 'system', 'outbox:2');
  assert (select count(*) from webhook_events where user_id = 'user_outbox_test' and type = 'balance.low') = 1, '150 -> 90 crosses 100 once';
  assert (select count(*) from webhook_deliveries d join webhook_events v on v.id = d.event_id where v.type = 'balance.low') = 2,
    'balance.low goes to both endpoints';
  perform spend_credits('user_outbox_test', 10, 'use', 'system', 'outbox:3');
  assert (select count(*) from webhook_events where user_id = 'user_outbox_test' and type = 'balance.low') = 1, 'still below: no second alert';
  perform grant_credits('user_outbox_test', 50, 'adjustment', 're-arm', 'system', 'outbox:4');
  perform spend_credits('user_outbox_test', 31, 'use', 'system', 'outbox:5');
  assert (select count(*) from webhook_events where user_id = 'user_outbox_test' and type = 'balance.low') = 2, 'back at or above, then below: a second alert';
  perform spend_credits('user_outbox_test', 99, 'use', 'system', 'outbox:6');
  assert (select count(*) from webhook_events where user_id = 'user_outbox_test' and type = 'balance.depleted') = 1, 'reaching 0 announces balance.depleted';
end
$$;

-- A purchase turning pending, then failed, announces each once.
do $$
begin
  perform ensure_user('user_outbox_buyer', null);
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency) values ('cs_outbox_1', 'user_outbox_buyer', 100, 100, 'usd');
  update credit_purchases set status = 'pending' where session_id = 'cs_outbox_1';
  update credit_purchases set status = 'pending', updated_at = now() where session_id = 'cs_outbox_1';
  update credit_purchases set status = 'failed' where session_id = 'cs_outbox_1';
  assert (select array_agg(type order by id) from webhook_events where user_id = 'user_outbox_buyer') = array['purchase.pending', 'purchase.failed'],
    'one event per status change';
end
$$;
