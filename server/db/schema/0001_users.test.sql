-- Proves the users table's own rules with plain SQL: the id pattern, the email shape, the safe
-- integer range of the balance and the default of a new row.
do $$
begin
  insert into users (id, email) values ('user_schema_test', 'schema@example.com');
  assert (select credits from users where id = 'user_schema_test') = 0, 'a new user starts at 0 credits';
  perform pg_temp.assert_refused($sql$insert into users (id) values ('bad id with spaces')$sql$, '23514', 'a malformed id must be refused');
  perform pg_temp.assert_refused($sql$insert into users (id, email) values ('user_schema_test_2', 'not an address')$sql$, '23514', 'an email without @ must be refused');
  perform pg_temp.assert_refused($sql$update users set credits = 9007199254740992 where id = 'user_schema_test'$sql$, '23514', 'a balance beyond the safe integer range must be refused');
end
$$;
