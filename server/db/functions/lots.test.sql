-- Proves the lot rules in SQL alone: the consumption order, expiry at the instant (reads, spends and
-- the sweep agree), a clawback from its own purchase's lot, debt repaid first, and verify_ledger.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_lots_test', null);
  perform grant_credits('user_lots_test', 10, 'adjustment', 'never', 'system', 'lots:1');
  perform grant_promotional_credits('user_lots_test', 20, 'late', ledger_now() + interval '2 hours', 'admin_a', 'lots:2');
  perform grant_promotional_credits('user_lots_test', 30, 'soon', ledger_now() + interval '1 hour', 'admin_a', 'lots:3');
  v := list_lots('user_lots_test');
  assert jsonb_array_length(v) = 3 and (v->0->>'credits')::bigint = 30 and (v->1->>'credits')::bigint = 20
    and (v->2->>'credits')::bigint = 10, 'consumption order: soonest expiry first, never-expiring last';

  v := spend_credits('user_lots_test', 35, 'use', 'service:t', 'lots:spend:1');
  assert (select array_agg(d.credits order by l.id) from credit_lot_draws d join credit_lots l on l.id = d.lot_id
          where d.entry_id = (v->>'id')::bigint) = array[5, 30]::bigint[], 'a spend draws from the soonest-expiring lots first';

  -- Two hours later: the 15 left of the late lot have expired; reads never count them.
  insert into ledger_clock_skew (skew) values (interval '3 hours');
  v := find_user('user_lots_test');
  assert (v->>'credits')::bigint = 10, 'a read never counts expired credits, swept or not';
  perform pg_temp.assert_refused($sql$ select spend_credits('user_lots_test', 11, 'use', 'service:t', 'lots:spend:2') $sql$,
    'TU402', 'an expired credit must not be spent');
  perform sweep_expired_credits(100);
  assert (select count(*) from credit_ledger where user_id = 'user_lots_test' and kind = 'expiry' and delta = -15) = 1,
    'the expired remainder becomes one EXPIRY entry';
  assert (select credits from users where id = 'user_lots_test') = 10, 'the EXPIRY entry moved the balance';
  assert (verify_ledger()->>'problemCount')::int = 0, 'verify_ledger agrees: ' || (verify_ledger()->'problems')::text;
end
$$;
