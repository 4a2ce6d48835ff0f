-- Proves the ledger row's own rules with plain SQL: a delta is never zero, and its sign matches its
-- kind (purchases add, spends and clawbacks take, adjustments go either way).
do $$
begin
  insert into users (id) values ('user_schema_ledger_test');
  insert into credit_ledger (user_id, delta, balance_after, kind, actor)
  values ('user_schema_ledger_test', 5, 5, 'adjustment', 'system');
  perform pg_temp.assert_refused($sql$insert into credit_ledger (user_id, delta, balance_after, kind, actor) values ('user_schema_ledger_test', 0, 5, 'adjustment', 'system')$sql$, '23514', 'a zero delta must be refused');
  perform pg_temp.assert_refused($sql$insert into credit_ledger (user_id, delta, balance_after, kind, actor) values ('user_schema_ledger_test', 5, 10, 'spend', 'system')$sql$, '23514', 'a positive spend must be refused');
  perform pg_temp.assert_refused($sql$insert into credit_ledger (user_id, delta, balance_after, kind, actor, idempotency_key) values ('user_schema_ledger_test', 5, 10, 'adjustment', 'system', 'key-without-hash')$sql$, '23514', 'a key without its request hash must be refused');
end
$$;
