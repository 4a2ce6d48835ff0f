-- Both columns exist and start empty for a new user.
do $$
begin
  insert into users (id) values ('user_SchemaTest1');
  assert (select deleted_at is null and profile_updated_at is null from users where id = 'user_SchemaTest1'), 'new users are not deleted';
end
$$;
