-- Proves spend_credits_batch item by item: answers in input order, each item refused on its own
-- with spend_credits' SQLSTATE (bad input, unknown user, insufficient, key reused with another
-- input), the same user never overdrawn (a later smaller item still fits), replays of earlier
-- batches and of earlier items of the same batch returning the original entry, and nothing moved
-- for a refused item.
do $$
declare
  v jsonb;
  v_again jsonb;
begin
  perform ensure_user('user_batch_a', null);
  perform ensure_user('user_batch_b', null);
  perform grant_credits('user_batch_a', 10, 'adjustment', 'opening', 'system', 'test:batch:a');
  perform grant_credits('user_batch_b', 3, 'adjustment', 'opening', 'system', 'test:batch:b');
  v := spend_credits_batch(jsonb_build_object('items', jsonb_build_array(
    jsonb_build_object('userId', 'user_batch_a', 'amount', 8, 'reason', 'r', 'idempotencyKey', 'k1'),
    jsonb_build_object('userId', 'user_batch_b', 'amount', 1, 'idempotencyKey', 'k1'),
    jsonb_build_object('userId', 'user_batch_a', 'amount', 5, 'idempotencyKey', 'k2'),
    jsonb_build_object('userId', 'user_batch_a', 'amount', 2, 'idempotencyKey', 'k3'),
    jsonb_build_object('userId', 'user_batch_a', 'amount', 8, 'reason', 'r', 'idempotencyKey', 'k1'),
    jsonb_build_object('userId', 'user_batch_a', 'amount', 1, 'idempotencyKey', 'k3'),
    jsonb_build_object('userId', 'user_batch_nobody', 'amount', 1, 'idempotencyKey', 'k4'),
    jsonb_build_object('userId', 'user_batch_b', 'amount', 1.5, 'idempotencyKey', 'k5'),
    jsonb_build_object('userId', 'user_batch_b', 'amount', 1),
    jsonb_build_object('userId', 'user_batch_b', 'amount', 2, 'idempotencyKey', 'k6'))), 'service:batch');
  assert jsonb_array_length(v) = 10, 'one answer per item';
  assert (select array_agg(x->>'idempotencyKey' order by n) from jsonb_array_elements(v) with ordinality as t(x, n))
    = array['k1', 'k1', 'k2', 'k3', 'k1', 'k3', 'k4', 'k5', null, 'k6'], 'answers in input order';
  assert (v->0->'entry'->>'balanceAfter')::bigint = 2 and (v->1->'entry'->>'balanceAfter')::bigint = 2, 'each user has its own running balance';
  assert v->2->'error'->>'sqlState' = 'TU402' and v->2->'error'->>'message' = 'insufficient credits: 2 available, 5 requested',
    'an item past the available credits is refused in spend_credits'' words';
  assert (v->3->'entry'->>'balanceAfter')::bigint = 0, 'a later item that fits is still spent';
  assert v->4->'entry'->>'id' = v->0->'entry'->>'id', 'the same key and input later in the batch returns the entry of the first';
  assert v->5->'error'->>'sqlState' = 'TU409', 'the same key with another input later in the batch conflicts';
  assert v->6->'error'->>'sqlState' = 'TU404', 'an unknown user is refused';
  assert v->7->'error'->>'sqlState' = 'TU400' and v->8->'error'->>'sqlState' = 'TU400', 'a fraction and a missing key are bad input';
  assert (v->9->'entry'->>'balanceAfter')::bigint = 0, 'the other user spends down to zero';
  assert (v->0->'entry'->>'id')::bigint < (v->1->'entry'->>'id')::bigint
    and (v->1->'entry'->>'id')::bigint < (v->3->'entry'->>'id')::bigint, 'entry ids follow the input order';
  assert (select credits from users where id = 'user_batch_a') = 0 and (select credits from users where id = 'user_batch_b') = 0,
    'the balances are the last balance_after';
  assert (select count(*) from credit_ledger where user_id in ('user_batch_a', 'user_batch_b') and kind = 'spend') = 4, 'four spends, no more';
  perform pg_temp.assert_balance_is_sum_of_deltas('user_batch_a');
  perform pg_temp.assert_balance_is_sum_of_deltas('user_batch_b');

  -- A later batch replays the first's keys: the original entries, or a conflict.
  v_again := spend_credits_batch(jsonb_build_object('items', jsonb_build_array(
    jsonb_build_object('userId', 'user_batch_a', 'amount', 8, 'reason', 'r', 'idempotencyKey', 'k1'),
    jsonb_build_object('userId', 'user_batch_a', 'amount', 9, 'reason', 'r', 'idempotencyKey', 'k1'),
    jsonb_build_object('userId', 'user_batch_a', 'amount', 2, 'idempotencyKey', 'k2'))), 'service:batch');
  assert v_again->0->'entry' = v->0->'entry', 'a replay returns the original entry unchanged';
  assert v_again->1->'error'->>'sqlState' = 'TU409', 'a replay with another input conflicts';
  assert v_again->2->'error'->>'sqlState' = 'TU402', 'a key whose item was refused is tried again';
  -- The batch writes credit_movement_hash's formula out: a key spend_credits used replays in a batch.
  perform grant_credits('user_batch_b', 5, 'adjustment', 'top up', 'system', 'test:batch:b:2');
  v := spend_credits('user_batch_b', 2, 'single', 'service:batch', 'k7');
  v_again := spend_credits_batch(jsonb_build_object('items', jsonb_build_array(
    jsonb_build_object('userId', 'user_batch_b', 'amount', 2, 'reason', 'single', 'idempotencyKey', 'k7'))), 'service:batch');
  assert v_again->0->'entry' = v, 'a batch replays a single spend''s key with the same input: the hashes agree';
  assert spend_credits_batch('{"items": []}', 'service:batch') = '[]'::jsonb, 'an empty batch answers nothing';
  perform pg_temp.assert_refused($sql$ select spend_credits_batch('{"items": {}}', 'service:batch') $sql$, 'TU400', 'items must be an array');
  perform pg_temp.assert_refused(format('select spend_credits_batch(%L, %L)',
    jsonb_build_object('items', (select jsonb_agg(jsonb_build_object('userId', 'user_batch_a', 'amount', 1, 'idempotencyKey', 'x' || n))
      from generate_series(1, 1001) n)), 'service:batch'), 'TU400', 'a batch holds at most 1000 items');
end
$$;

-- Proves a batch respects lots and holds like single spends: active holds are not spendable, a lot
-- due at the batch's instant is expired first (one EXPIRY entry), and one user's spends draw lot by
-- lot in consumption order (soonest expiry first, then promotion before purchase, never-expiring
-- last), each draw recorded and the lots adding up to the balance; every movement has its outbox event.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_batch_lots', null);
  insert into balance_alert_states (user_id, low_balance_credits) values ('user_batch_lots', 15);
  perform grant_credits('user_batch_lots', 10, 'purchase', 'bought', 'system', 'test:batch:lots:purchase');
  perform grant_promotional_credits('user_batch_lots', 4, 'soon', now() + interval '1 hour', 'service:batch', 'test:batch:lots:soon');
  perform grant_promotional_credits('user_batch_lots', 6, 'later', now() + interval '2 days', 'service:batch', 'test:batch:lots:later');
  perform grant_promotional_credits('user_batch_lots', 5, 'never', null, 'service:batch', 'test:batch:lots:never');
  perform reserve_credits('user_batch_lots', 3, 'job', 'service:batch', 'test:batch:lots:hold', 86400);
  -- The setup commits (its alerts are judged): 22 available, at or above the line of 15.
  perform pg_temp.as_if_committed();
  -- Two hours on: the 4 credits expiring in an hour are due.
  insert into ledger_clock_skew (skew) values (interval '2 hours');
  v := spend_credits_batch(jsonb_build_object('items', jsonb_build_array(
    jsonb_build_object('userId', 'user_batch_lots', 'amount', 4, 'idempotencyKey', 'l1'),
    jsonb_build_object('userId', 'user_batch_lots', 'amount', 5, 'idempotencyKey', 'l2'),
    jsonb_build_object('userId', 'user_batch_lots', 'amount', 8, 'idempotencyKey', 'l3'),
    jsonb_build_object('userId', 'user_batch_lots', 'amount', 9, 'idempotencyKey', 'l4'))), 'service:batch');
  assert (select count(*) from credit_ledger where user_id = 'user_batch_lots' and kind = 'expiry' and delta = -4) = 1,
    'the due lot is expired once, before the spends';
  assert (v->0->'entry'->>'balanceAfter')::bigint = 17 and (v->1->'entry'->>'balanceAfter')::bigint = 12,
    'spends start from the balance after expiry';
  assert (v->2->'entry'->>'balanceAfter')::bigint = 4, 'the third spend fits: 12 less 3 held is 9';
  assert v->3->'error'->>'message' = 'insufficient credits: 1 available, 9 requested', 'holds are not spendable';
  -- Live lots in consumption order: 'later' (6), the never-expiring promotion (5), the purchase (10).
  assert (select array_agg(l.remaining order by l.id) from credit_lots l where l.user_id = 'user_batch_lots')
    = array[4, 0, 0, 0]::bigint[], 'lots drained in consumption order: later, then the never-expiring promotion, then the purchase';
  assert (select sum(remaining) from credit_lots where user_id = 'user_batch_lots')
    = (select credits from users where id = 'user_batch_lots'), 'the lots add up to the balance';
  assert (select sum(d.credits) from credit_lot_draws d join credit_ledger e on e.id = d.entry_id
          where e.user_id = 'user_batch_lots' and e.kind = 'spend') = 17, 'every spent credit is a recorded draw';
  assert (select array_agg(d.credits order by d.entry_id, d.lot_id) from credit_lot_draws d join credit_ledger e on e.id = d.entry_id
          where e.user_id = 'user_batch_lots' and e.kind = 'spend') = array[4, 2, 3, 6, 2]::bigint[],
    'each spend draws where its span meets the lots: 4 | 2 + 3 | 2 + 6 (by lot id: purchase, then promotion)';
  assert (select count(*) from credit_ledger e where e.user_id = 'user_batch_lots'
          and not exists (select 1 from webhook_events w where w.payload->'data'->>'entryId' = e.id::text
                          and w.type = webhook_event_type_of_kind(e.kind))) = 0, 'every movement has its event';
  perform pg_temp.as_if_committed();
  assert (select count(*) from webhook_events where user_id = 'user_batch_lots' and type = 'balance.low') = 1,
    'the balance crossed below the threshold once: one balance.low';
  perform pg_temp.assert_balance_is_sum_of_deltas('user_batch_lots');
end
$$;
