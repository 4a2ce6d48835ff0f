-- Proves the lot tables' constraints: an EXPIRY entry is negative, a PROMOTION positive, and a lot's
-- remaining stays within 0..credits.
do $$
declare
  v_entry bigint;
begin
  insert into users (id) values ('user_lots_schema_test');
  begin
    insert into credit_ledger (user_id, delta, balance_after, kind, actor) values ('user_lots_schema_test', 5, 5, 'expiry', 'system');
    assert false, 'a positive expiry must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into credit_ledger (user_id, delta, balance_after, kind, actor) values ('user_lots_schema_test', -5, -5, 'promotion', 'system');
    assert false, 'a negative promotion must be refused';
  exception when check_violation then null;
  end;
  insert into credit_ledger (user_id, delta, balance_after, kind, actor) values ('user_lots_schema_test', 5, 5, 'promotion', 'system')
  returning id into v_entry;
  begin
    insert into credit_lots (user_id, kind, credits, remaining, entry_id) values ('user_lots_schema_test', 'promotion', 5, 6, v_entry);
    assert false, 'remaining above credits must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into credit_lots (user_id, kind, credits, remaining) values ('user_lots_schema_test', 'promotion', 5, -1);
    assert false, 'a negative lot must be refused';
  exception when check_violation then null;
  end;
end
$$;
