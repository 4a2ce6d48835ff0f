-- Helpers for the `.test.sql` files, created by `runMigrationTests` in each test file's own
-- transaction (as temporary functions, so they never reach the real schema) and gone at its rollback.

-- Runs `p_statement` and asserts that it fails with SQLSTATE `p_sqlstate` (e.g. '23514' for a
-- check violation, 'TU400' for Topup's bad input); anything else, or success, fails the test with
-- `p_message`. The statement runs in its own subtransaction, so its failure changes nothing.
create function pg_temp.assert_refused(p_statement text, p_sqlstate text, p_message text) returns void
language plpgsql as $$
declare
  v_state text;
begin
  begin
    execute p_statement;
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate;
    if v_state = p_sqlstate then
      return;
    end if;
    raise exception 'assert_refused: % (expected SQLSTATE %, got %: %)', p_message, p_sqlstate, v_state, sqlerrm;
  end;
  raise exception 'assert_refused: % (the statement succeeded)', p_message;
end
$$;

-- Asserts that the user's balance is the sum of the user's ledger deltas.
create function pg_temp.assert_balance_is_sum_of_deltas(p_user_id text) returns void
language plpgsql as $$
begin
  assert (select sum(delta) from credit_ledger where user_id = p_user_id)
    = (select credits from users where id = p_user_id), 'balance equals the sum of deltas for ' || p_user_id;
end
$$;

-- balance.low and balance.depleted are judged at commit (deferred constraint triggers,
-- functions/webhooks.sql); the test files run in one transaction that is rolled back, so after a
-- step they call this to run the deferred triggers as a commit would.
create function pg_temp.as_if_committed() returns void
language plpgsql as $$
begin
  set constraints all immediate;
  set constraints all deferred;
end
$$;
