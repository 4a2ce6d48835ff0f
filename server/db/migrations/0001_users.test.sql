-- Proves the users table's constraints and ensure_user's create-or-update by calling them directly.
do $$
declare
  v jsonb;
begin
  v := ensure_user('user_test_a', 'a@example.com');
  assert v->>'id' = 'user_test_a', 'ensure_user returns the row';
  assert (v->>'credits')::bigint = 0, 'a new user starts at 0 credits';
  assert v->>'lastCreditUpdate' is null, 'no credit update yet';
  v := ensure_user('user_test_a', 'new@example.com');
  assert v->>'email' = 'new@example.com', 'a changed email is updated';
  v := ensure_user('user_test_a', null);
  assert v->>'email' = 'new@example.com', 'a missing email keeps the known one';
  assert (select count(*) from users where id = 'user_test_a') = 1, 'one row per user';
  begin
    perform ensure_user('bad id with spaces', null);
    assert false, 'a malformed id must be refused';
  exception when sqlstate 'TU400' then null;
  end;
  begin
    update users set credits = 9007199254740992 where id = 'user_test_a';
    assert false, 'a balance beyond the safe integer range must be refused';
  exception when check_violation then null;
  end;
  v := set_stripe_customer('user_test_a', 'cus_first');
  v := set_stripe_customer('user_test_a', 'cus_second');
  assert v->>'stripeCustomerId' = 'cus_first', 'the first customer id stored wins';
  assert iso_time('2026-01-02 03:04:05.678+00') = '2026-01-02T03:04:05.678Z', 'iso_time is UTC ISO 8601';
  assert from_epoch_microseconds(epoch_microseconds('2026-01-02 03:04:05.678901+00')) = '2026-01-02 03:04:05.678901+00'::timestamptz,
    'epoch microseconds round-trip exactly';
end
$$;
