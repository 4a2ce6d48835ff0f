-- Proves the scope rules of the table with plain SQL: a key is unique within (scope, user), the same
-- key may live in the system scope and a client's, and a key needs a scope of a known form.
do $$
begin
  insert into users (id) values ('user_schema_scope_test');
  insert into credit_ledger (user_id, delta, balance_after, kind, actor, idempotency_key, idempotency_scope, request_hash)
  values ('user_schema_scope_test', 5, 5, 'adjustment', 'system', 'purchase:cs_x', 'system', 'h1'),
         ('user_schema_scope_test', -1, 4, 'spend', 'service:1234abcd', 'purchase:cs_x', 'client:service:1234abcd', 'h2');
  perform pg_temp.assert_refused($sql$insert into credit_ledger (user_id, delta, balance_after, kind, actor, idempotency_key, idempotency_scope, request_hash) values ('user_schema_scope_test', -1, 3, 'spend', 'service:1234abcd', 'purchase:cs_x', 'client:service:1234abcd', 'h3')$sql$, '23505', 'the same scope, user and key must be refused');
  perform pg_temp.assert_refused($sql$insert into credit_ledger (user_id, delta, balance_after, kind, actor, idempotency_key, request_hash) values ('user_schema_scope_test', -1, 3, 'spend', 'service:1234abcd', 'k', 'h4')$sql$, '23514', 'a key without a scope must be refused');
  perform pg_temp.assert_refused($sql$insert into credit_ledger (user_id, delta, balance_after, kind, actor, idempotency_key, idempotency_scope, request_hash) values ('user_schema_scope_test', -1, 3, 'spend', 'service:1234abcd', 'k', 'mine', 'h5')$sql$, '23514', 'a scope of another form must be refused');
end
$$;
