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
  perform pg_temp.as_if_committed();
  select * into v_event from webhook_events where user_id = 'user_outbox_test' order by id desc limit 1;
  assert v_event.type = 'credits.adjusted', 'an adjustment announces credits.adjusted';
  assert v_event.payload->'data'->>'entryId' = v_entry->>'id' and (v_event.payload->'data'->>'balanceAfter')::bigint = 150,
    'the body names the entry and the balance after it';
  assert (select count(*) from webhook_deliveries where event_id = v_event.id) = 1, 'one delivery: the endpoint that takes every type';

  perform spend_credits('user_outbox_test', 60, 'use', 'system', 'outbox:2');
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_outbox_test' and type = 'balance.low') = 1, '150 -> 90 crosses 100 once';
  assert (select count(*) from webhook_deliveries d join webhook_events v on v.id = d.event_id where v.type = 'balance.low') = 2,
    'balance.low goes to both endpoints';
  perform spend_credits('user_outbox_test', 10, 'use', 'system', 'outbox:3');
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_outbox_test' and type = 'balance.low') = 1, 'still below: no second alert';
  perform grant_credits('user_outbox_test', 50, 'adjustment', 're-arm', 'system', 'outbox:4');
  perform pg_temp.as_if_committed();
  perform spend_credits('user_outbox_test', 31, 'use', 'system', 'outbox:5');
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_outbox_test' and type = 'balance.low') = 2, 'back at or above, then below: a second alert';
  perform spend_credits('user_outbox_test', 99, 'use', 'system', 'outbox:6');
  perform pg_temp.as_if_committed();
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

-- Proves that alerts follow available credits: a hold crossing the threshold alerts (a second one
-- below it does not), a release re-arms, a capture is one change (the hold's end and its spend
-- together: no crossing back and forth), a lot's expiry alerts, a hold reaching zero available is
-- balance.depleted, and a hold that expires re-arms it.
do $$
declare
  v_hold jsonb;
  v_low integer;
begin
  perform ensure_user('user_outbox_holds', null);
  perform grant_credits('user_outbox_holds', 150, 'adjustment', 'opening', 'system', 'holds:1');
  perform pg_temp.as_if_committed();
  v_hold := reserve_credits('user_outbox_holds', 60, 'job', 'svc', 'holds:h1', 600);
  perform pg_temp.as_if_committed();
  select count(*) into v_low from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.low';
  assert v_low = 1, 'a hold taking available credits from 150 to 90 crosses 100: one balance.low';
  assert (select payload->'data' from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.low')
    @> jsonb_build_object('balance', 150, 'availableCredits', 90, 'thresholdCredits', 100, 'holdId', v_hold->>'id'),
    'the alert names the balance, the available credits and the hold';
  perform reserve_credits('user_outbox_holds', 10, 'job', 'svc', 'holds:h2', 86400);
  perform pg_temp.as_if_committed();
  perform release_credits(v_hold->>'id');
  perform pg_temp.as_if_committed();
  assert (select low_armed from balance_alert_states where user_id = 'user_outbox_holds'), 'a release back to 140 available re-arms';
  v_hold := reserve_credits('user_outbox_holds', 60, 'job', 'svc', 'holds:h3', 600);
  perform pg_temp.as_if_committed();
  perform capture_credits(v_hold->>'id', 30, 'svc', 'holds:c3');
  perform pg_temp.as_if_committed();
  select count(*) into v_low from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.low';
  assert v_low = 2, 'the second hold alerts again; its capture (the hold ends, 30 spent: 110 available) alerts nothing';
  assert (select low_armed from balance_alert_states where user_id = 'user_outbox_holds'), 'and re-arms';

  perform spend_credits('user_outbox_holds', 20, 'use', 'svc', 'holds:s1');
  perform grant_promotional_credits('user_outbox_holds', 100, 'promo', clock_timestamp() + interval '1 hour', 'svc', 'holds:p1');
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.low') = 2,
    'a spend to 90 and a grant to 190 in one transaction: no crossing at commit';
  insert into ledger_clock_skew (skew) values (interval '2 hours');
  perform sweep_expired_credits();
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.low') = 3,
    'the promotion expiring (190 -> 90 available) is a crossing';
  assert (select (payload->'data'->>'entryId')::bigint from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.low' order by id desc limit 1)
    = (select id from credit_ledger where user_id = 'user_outbox_holds' and kind = 'expiry'), 'the alert names the EXPIRY entry';

  v_hold := reserve_credits('user_outbox_holds', 90, 'job', 'svc', 'holds:h4', 60);
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.depleted') = 1, 'a hold of all 90 available: depleted';
  update ledger_clock_skew set skew = interval '3 hours';
  perform sweep_expired_credits();
  perform pg_temp.as_if_committed();
  assert (select depleted_armed from balance_alert_states where user_id = 'user_outbox_holds'), 'the hold expiring re-arms depletion';
  perform spend_credits('user_outbox_holds', 90, 'all', 'svc', 'holds:s2');
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.depleted') = 2, 'and spending it all depletes again';
  assert (select count(*) from webhook_events where user_id = 'user_outbox_holds' and type = 'balance.low') = 3, 'still below 100 since: no more balance.low';
end
$$;
