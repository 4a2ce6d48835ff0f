-- Proves ensure_user's create-or-update, find_user, and that the first Stripe customer stored wins,
-- by calling them directly.
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
  perform pg_temp.assert_refused($sql$select ensure_user('bad id with spaces', null)$sql$, 'TU400', 'a malformed id must be refused');
  assert find_user('user_test_nobody') is null, 'find_user of an unknown user is null';
  v := find_user('user_test_a');
  assert v->>'id' = 'user_test_a' and v->>'email' = 'new@example.com', 'find_user returns the user';
  v := set_stripe_customer('user_test_a', 'cus_first');
  v := set_stripe_customer('user_test_a', 'cus_second');
  assert v->>'stripeCustomerId' = 'cus_first', 'the first customer id stored wins';
  perform pg_temp.assert_refused($sql$select set_stripe_customer('user_test_nobody', 'cus_x')$sql$, 'TU404', 'an unknown user must be refused');
end
$$;

-- Clerk's user webhooks in any order: a deletion is final, an older profile never overwrites a newer one.
do $$
declare
  v_user jsonb;
begin
  v_user := sync_clerk_user('user_ClerkSync1', 'new@example.com', false, '2026-01-02T00:00:00Z');
  assert v_user->>'email' = 'new@example.com', 'created with its email';
  v_user := sync_clerk_user('user_ClerkSync1', 'old@example.com', false, '2026-01-01T00:00:00Z');
  assert v_user->>'email' = 'new@example.com', format('an older update changes nothing: %s', v_user);
  v_user := sync_clerk_user('user_ClerkSync1', 'not-an-email', false, '2026-01-03T00:00:00Z');
  assert v_user->>'email' is null, 'a malformed email is stored as none';
  v_user := sync_clerk_user('user_ClerkSync1', null, true);
  assert v_user->>'deletedAt' is not null and v_user->>'email' is null, 'deleted: marked, email gone';
  v_user := sync_clerk_user('user_ClerkSync1', 'back@example.com', false, '2026-02-01T00:00:00Z');
  assert v_user->>'email' is null and v_user->>'deletedAt' is not null, 'a late update after the deletion changes nothing';
  v_user := ensure_user('user_ClerkSync1', 'token@example.com');
  assert v_user->>'email' is null, 'a token minted before the deletion does not bring the email back';
  v_user := sync_clerk_user('user_ClerkSync2', null, true);
  assert v_user->>'deletedAt' is not null, 'a deletion of a user never seen records it as deleted';
end
$$;
