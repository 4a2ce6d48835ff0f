-- Proves the ledger row's own rules with plain SQL: a delta is never zero, and its sign matches its
-- kind (purchases add, spends and clawbacks take, adjustments go either way).
do $$
begin
  insert into users (id) values ('user_schema_ledger_test');
  insert into credit_ledger (user_id, delta, balance_after, kind, actor)
  values ('user_schema_ledger_test', 5, 5, 'adjustment', 'system');
  begin
    insert into credit_ledger (user_id, delta, balance_after, kind, actor)
    values ('user_schema_ledger_test', 0, 5, 'adjustment', 'system');
    assert false, 'a zero delta must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into credit_ledger (user_id, delta, balance_after, kind, actor)
    values ('user_schema_ledger_test', 5, 10, 'spend', 'system');
    assert false, 'a positive spend must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into credit_ledger (user_id, delta, balance_after, kind, actor, idempotency_key)
    values ('user_schema_ledger_test', 5, 10, 'adjustment', 'system', 'key-without-hash');
    assert false, 'a key without its request hash must be refused';
  exception when check_violation then null;
  end;
end
$$;
