-- Proves the hold rules in SQL alone: holds are refused past the available credits, a capture spends
-- once and releases the rest, a finished hold is not active, and an expired hold stops counting.
do $$
declare
  v jsonb;
  v_hold jsonb;
begin
  perform ensure_user('user_holds_test', null);
  perform grant_credits('user_holds_test', 100, 'adjustment', 'opening', 'system', 'holds:1');
  v_hold := reserve_credits('user_holds_test', 60, 'job', 'service:t', 'holds:reserve:1', 60);
  assert v_hold->>'status' = 'active', 'a hold starts active';
  assert (find_user('user_holds_test')->>'heldCredits')::bigint = 60, 'an active hold is held';
  perform pg_temp.assert_refused($sql$ select reserve_credits('user_holds_test', 41, 'job', 'service:t', 'holds:reserve:2', 60) $sql$,
    'TU402', 'a hold past the available credits must be refused');
  perform pg_temp.assert_refused($sql$ select spend_credits('user_holds_test', 41, 'use', 'service:t', 'holds:spend:1') $sql$,
    'TU402', 'a spend past the available credits must be refused');
  v := reserve_credits('user_holds_test', 60, 'job', 'service:t', 'holds:reserve:1', 60);
  assert v->>'id' = v_hold->>'id', 'a replay returns the original hold';

  v := capture_credits(v_hold->>'id', 25, 'service:t', 'holds:capture:1');
  assert v->>'status' = 'captured' and (v->>'capturedCredits')::bigint = 25, 'a capture records what it spent';
  assert (find_user('user_holds_test')->>'credits')::bigint = 75 and (find_user('user_holds_test')->>'heldCredits')::bigint = 0,
    'a capture spends its amount and releases the rest';
  v := capture_credits(v_hold->>'id', 25, 'service:t', 'holds:capture:1');
  assert (find_user('user_holds_test')->>'credits')::bigint = 75, 'a replayed capture has no second effect';
  perform pg_temp.assert_refused(format('select release_credits(%L)', v_hold->>'id'), 'TU410', 'a captured hold must not be released');

  v_hold := reserve_credits('user_holds_test', 75, 'job', 'service:t', 'holds:reserve:3', 60);
  insert into ledger_clock_skew (skew) values (interval '61 seconds');
  assert (find_user('user_holds_test')->>'heldCredits')::bigint = 0, 'an expired hold stops counting at its instant';
  perform pg_temp.assert_refused(format('select capture_credits(%L, 1, %L, %L)', v_hold->>'id', 'service:t', 'holds:capture:2'),
    'TU410', 'an expired hold must not be captured');
  perform sweep_expired_credits(100);
  assert (select status from credit_holds where id = (v_hold->>'id')::bigint) = 'expired', 'the sweep marks it expired';
end
$$;
