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

  begin
    perform grant_credits('user_ledger_test', 101, 'adjustment', 'opening', 'system', 'test:grant:1');
    assert false, 'same key with another input must conflict';
  exception when sqlstate 'TU409' then null;
  end;

  v := spend_credits('user_ledger_test', 30, 'export', 'service:test', 'test:spend:1');
  assert (v->>'balanceAfter')::bigint = 70, 'spend takes credits';
  begin
    perform spend_credits('user_ledger_test', 71, 'export', 'service:test', 'test:spend:2');
    assert false, 'a spend beyond the balance must be refused';
  exception when sqlstate 'TU402' then null;
  end;
  assert (select credits from users where id = 'user_ledger_test') = 70, 'a refused spend changes nothing';

  begin
    perform spend_credits('user_ledger_test', 1, 'x', 'service:test', null);
    assert false, 'a spend without a key must be refused';
  exception when sqlstate 'TU400' then null;
  end;
  begin
    perform adjust_credits('user_ledger_test', 5, '   ', 'user_admin', 'test:adjust:1');
    assert false, 'an adjustment without a reason must be refused';
  exception when sqlstate 'TU400' then null;
  end;
  begin
    perform grant_credits('user_nobody', 5, 'adjustment', null, 'system', null);
    assert false, 'an unknown user must be refused';
  exception when sqlstate 'TU404' then null;
  end;

  -- A clawback may overdraw: the user then owes credits and cannot spend until repaid.
  perform apply_credit_movement('user_ledger_test', -100, 'refund', 'refund', 'stripe', 'test:clawback:1', 'refund', 're_1', null, true, 'system');
  assert (select credits from users where id = 'user_ledger_test') = -30, 'a clawback may take the balance below zero';
  begin
    perform spend_credits('user_ledger_test', 1, 'export', 'service:test', 'test:spend:3');
    assert false, 'spending must be refused while the balance is short';
  exception when sqlstate 'TU402' then null;
  end;

  begin
    update credit_ledger set delta = 1 where user_id = 'user_ledger_test';
    assert false, 'ledger rows must not be updated';
  exception when raise_exception then null;
  end;
  begin
    delete from credit_ledger where user_id = 'user_ledger_test';
    assert false, 'ledger rows must not be deleted';
  exception when raise_exception then null;
  end;

  assert (select sum(delta) from credit_ledger where user_id = 'user_ledger_test')
    = (select credits from users where id = 'user_ledger_test'), 'balance equals the sum of deltas';
end
$$;

-- Proves safe_integer_max() is the bound the tables' CHECK constraints state: the largest value is
-- accepted by a balance, one more is refused.
do $$
begin
  assert safe_integer_max() = 9007199254740991, 'the bound is Number.MAX_SAFE_INTEGER';
  insert into users (id, credits) values ('user_bound_test', safe_integer_max());
  begin
    update users set credits = safe_integer_max() + 1 where id = 'user_bound_test';
    assert false, 'one above safe_integer_max() must be refused by the table';
  exception when check_violation then null;
  end;
  begin
    perform apply_credit_movement('user_bound_test', 1, 'adjustment', null, 'system', null, null, null, null, false, null);
    assert false, 'a movement past safe_integer_max() must be refused';
  exception when sqlstate 'TU400' then null;
  end;
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
  begin
    perform spend_credits('user_scope_test', 11, 'usage', 'service:aaaa1111', 'purchase:cs_scope');
    assert false, 'the same caller, user and key with another input must conflict';
  exception when sqlstate 'TU409' then null;
  end;
  assert (select count(*) from credit_ledger where idempotency_key = 'purchase:cs_scope') = 5, 'five distinct (scope, user) pairs';
  assert (select idempotency_scope from credit_ledger where id = (v_spend->>'id')::bigint) = 'client:service:aaaa1111',
    'a spend is in its caller''s scope';
end
$$;
