-- Proves the users table's own rules with plain SQL: the id pattern, the email shape, the safe
-- integer range of the balance and the default of a new row.
do $$
begin
  insert into users (id, email) values ('user_schema_test', 'schema@example.com');
  assert (select credits from users where id = 'user_schema_test') = 0, 'a new user starts at 0 credits';
  begin
    insert into users (id) values ('bad id with spaces');
    assert false, 'a malformed id must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into users (id, email) values ('user_schema_test_2', 'not an address');
    assert false, 'an email without @ must be refused';
  exception when check_violation then null;
  end;
  begin
    update users set credits = 9007199254740992 where id = 'user_schema_test';
    assert false, 'a balance beyond the safe integer range must be refused';
  exception when check_violation then null;
  end;
end
$$;
