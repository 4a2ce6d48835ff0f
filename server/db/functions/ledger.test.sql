-- Proves the ledger's rules in SQL alone: balance and ledger move together, keys replay or conflict,
-- spends never overdraw, and history cannot be rewritten.
do $$
declare
  v jsonb;
  v_again jsonb;
begin
  perform ensure_user('user_ledger_test', null);

  v := grant_credits('user_ledger_test', 100, 'adjustment', 'opening', 'system', 'test:grant:1');
  assert (v->>'delta')::bigint = 100 and (v->>'balanceAfter')::bigint = 100, 'grant writes delta and balance_after';
  assert (select credits from users where id = 'user_ledger_test') = 100, 'grant moves the balance';
  assert (select last_credit_update from users where id = 'user_ledger_test') is not null, 'grant stamps last_credit_update';

  v_again := grant_credits('user_ledger_test', 100, 'adjustment', 'opening', 'system', 'test:grant:1');
  assert v_again->>'id' = v->>'id', 'same key and same input returns the original row';
  assert (select credits from users where id = 'user_ledger_test') = 100, 'a replay has no second effect';

  perform pg_temp.assert_refused($sql$ select grant_credits('user_ledger_test', 101, 'adjustment', 'opening', 'system', 'test:grant:1') $sql$,
    'TU409', 'same key with another input must conflict');

  v := spend_credits('user_ledger_test', 30, 'export', 'service:test', 'test:spend:1');
  assert (v->>'balanceAfter')::bigint = 70, 'spend takes credits';
  perform pg_temp.assert_refused($sql$ select spend_credits('user_ledger_test', 71, 'export', 'service:test', 'test:spend:2') $sql$,
    'TU402', 'a spend beyond the balance must be refused');
  assert (select credits from users where id = 'user_ledger_test') = 70, 'a refused spend changes nothing';

  perform pg_temp.assert_refused($sql$ select spend_credits('user_ledger_test', 1, 'x', 'service:test', null) $sql$,
    'TU400', 'a spend without a key must be refused');
  perform pg_temp.assert_refused($sql$ select adjust_credits('user_ledger_test', 5, '   ', 'user_admin', 'test:adjust:1') $sql$,
    'TU400', 'an adjustment without a reason must be refused');
  perform pg_temp.assert_refused($sql$ select grant_credits('user_nobody', 5, 'adjustment', null, 'system', null) $sql$,
    'TU404', 'an unknown user must be refused');

  -- A clawback may overdraw: the user then owes credits and cannot spend until repaid.
  perform apply_credit_movement('user_ledger_test', -100, 'refund', 'refund', 'stripe', 'test:clawback:1', 'refund', 're_1', null, true, 'system');
  assert (select credits from users where id = 'user_ledger_test') = -30, 'a clawback may take the balance below zero';
  perform pg_temp.assert_refused($sql$ select spend_credits('user_ledger_test', 1, 'export', 'service:test', 'test:spend:3') $sql$,
    'TU402', 'spending must be refused while the balance is short');

  perform pg_temp.assert_refused($sql$ update credit_ledger set delta = 1 where user_id = 'user_ledger_test' $sql$,
    'P0001', 'ledger rows must not be updated');
  perform pg_temp.assert_refused($sql$ delete from credit_ledger where user_id = 'user_ledger_test' $sql$,
    'P0001', 'ledger rows must not be deleted');

  perform pg_temp.assert_balance_is_sum_of_deltas('user_ledger_test');
end
$$;

-- Proves safe_integer_max() is the bound the tables' CHECK constraints state: the largest value is
-- accepted by a balance, one more is refused.
do $$
begin
  assert safe_integer_max() = 9007199254740991, 'the bound is Number.MAX_SAFE_INTEGER';
  insert into users (id, credits) values ('user_bound_test', safe_integer_max());
  perform pg_temp.assert_refused($sql$ update users set credits = safe_integer_max() + 1 where id = 'user_bound_test' $sql$,
    '23514', 'one above safe_integer_max() must be refused by the table');
  perform pg_temp.assert_refused($sql$ select apply_credit_movement('user_bound_test', 1, 'adjustment', null, 'system', null, null, null, null, false, null) $sql$,
    'TU400', 'a movement past safe_integer_max() must be refused');
end
$$;

-- Proves client keys and system keys never meet: a spend keyed like a purchase grant and a clawback
-- leaves both for Topup; two services and two users may use one key; the same caller, user and key
-- with the same input replays, with another input is TU409.
do $$
declare
  v_spend jsonb;
  v_replay jsonb;
begin
  insert into users (id, credits) values ('user_scope_test', 0), ('user_scope_other', 0);
  perform grant_credits('user_scope_test', 100, 'adjustment', 'opening', 'system', 'seed:scope');
  perform grant_credits('user_scope_other', 100, 'adjustment', 'opening', 'system', 'seed:scope');
  v_spend := spend_credits('user_scope_test', 10, 'usage', 'service:aaaa1111', 'purchase:cs_scope');
  perform spend_credits('user_scope_test', 10, 'usage', 'service:aaaa1111', 'clawback:cs_scope:1');
  perform apply_credit_movement('user_scope_test', 30, 'purchase', 'Bought 30 credits', 'stripe',
    'purchase:cs_scope', 'checkout_session', 'cs_scope', null, false, 'system');
  perform apply_credit_movement('user_scope_test', -5, 'refund', 'refund', 'stripe',
    'clawback:cs_scope:1', 'refund', 'pi_scope', null, true, 'system');
  assert (select credits from users where id = 'user_scope_test') = 105, 'the grant and the clawback both happened';
  perform spend_credits('user_scope_test', 1, 'usage', 'service:bbbb2222', 'purchase:cs_scope');
  perform spend_credits('user_scope_other', 1, 'usage', 'service:aaaa1111', 'purchase:cs_scope');
  perform adjust_credits('user_scope_test', 2, 'goodwill', 'user_admin', 'purchase:cs_scope');
  v_replay := spend_credits('user_scope_test', 10, 'usage', 'service:aaaa1111', 'purchase:cs_scope');
  assert v_replay->>'id' = v_spend->>'id', 'the same caller, user, key and input return the original entry';
  perform pg_temp.assert_refused($sql$ select spend_credits('user_scope_test', 11, 'usage', 'service:aaaa1111', 'purchase:cs_scope') $sql$,
    'TU409', 'the same caller, user and key with another input must conflict');
  assert (select count(*) from credit_ledger where idempotency_key = 'purchase:cs_scope') = 5, 'five distinct (scope, user) pairs';
  assert (select idempotency_scope from credit_ledger where id = (v_spend->>'id')::bigint) = 'client:service:aaaa1111',
    'a spend is in its caller''s scope';
end
$$;
