-- Proves the hold table's constraints: a captured hold has its captured credits within its amount,
-- and an active hold is not finished.
do $$
begin
  insert into users (id) values ('user_holds_schema_test');
  begin
    insert into credit_holds (user_id, amount, actor, status, expires_at, idempotency_scope, idempotency_key, request_hash,
      captured_credits, finished_at)
    values ('user_holds_schema_test', 10, 'service:x', 'captured', now(), 'client:service:x', 'k', 'h', 11, now());
    assert false, 'capturing more than the hold must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into credit_holds (user_id, amount, actor, expires_at, idempotency_scope, idempotency_key, request_hash, finished_at)
    values ('user_holds_schema_test', 10, 'service:x', now(), 'client:service:x', 'k', 'h', now());
    assert false, 'an active hold with finished_at must be refused';
  exception when check_violation then null;
  end;
end
$$;
