-- Users: their JSON, first sight, reads and the Stripe customer (the table is schema/0001_users.sql).

-- PL/pgSQL for the plan caching (see ledger_now in lots.sql): `me` calls this on every request.
create or replace function user_json(u users) returns jsonb
language plpgsql stable as $$
declare
  -- One instant for both figures.
  v_now timestamptz := ledger_now();
begin
  return jsonb_build_object(
    'id', u.id,
    'email', u.email,
    -- As of this instant: credits past their expiry never count, whether the sweep took them or not.
    'credits', u.credits - expired_unswept_credits(u.id, v_now),
    'heldCredits', held_credits(u.id, v_now),
    'lastCreditUpdate', iso_time(u.last_credit_update),
    'stripeCustomerId', u.stripe_customer_id,
    'createdAt', iso_time(u.created_at),
    'deletedAt', iso_time(u.deleted_at)
  );
end
$$;

-- A user id as the users table stores it (the same rule as its CHECK). Raises TU400 otherwise.
create or replace function assert_user_id(p_user_id text) returns void
language plpgsql immutable as $$
begin
  if p_user_id is null or p_user_id !~ '^[A-Za-z0-9_:.\-]{1,128}$' then
    raise exception using errcode = 'TU400', message = 'user id must be 1 to 128 letters, digits or _:.-';
  end if;
end
$$;

-- First sight of a verified user creates its row; a changed email is updated. A user deleted in
-- Clerk is returned as it is: a token minted before the deletion does not bring its email back.
create or replace function ensure_user(p_user_id text, p_email text default null) returns jsonb
language plpgsql as $$
declare
  v_user users;
begin
  perform assert_user_id(p_user_id);
  if p_email is not null and (length(p_email) > 320 or p_email not like '%@%') then
    raise exception using errcode = 'TU400', message = 'email is not a valid address';
  end if;
  insert into users (id, email) values (p_user_id, p_email)
  on conflict (id) do update set email = coalesce(excluded.email, users.email)
    where p_email is not null and users.email is distinct from excluded.email and users.deleted_at is null
  returning * into v_user;
  -- Nothing to change: the row as it is.
  return case when found then user_json(v_user) else find_user(p_user_id) end;
end
$$;

-- PL/pgSQL keeps its plan for the session; a `language sql` function that cannot be inlined is
-- planned again on every call before PostgreSQL 18 (measured by `npm run bench`: 2x on `me`).
create or replace function find_user(p_user_id text) returns jsonb
language plpgsql stable as $$
declare
  v_result jsonb;
begin
  select user_json(u) into v_result from users u where u.id = p_user_id;
  return v_result;
end
$$;

-- The Stripe customer of a user is created once (with an idempotency key) and stored here; the first
-- one stored wins, so two concurrent checkouts of one user end with one customer id.
create or replace function set_stripe_customer(p_user_id text, p_customer_id text) returns jsonb
language plpgsql as $$
declare
  v_user users;
begin
  update users set stripe_customer_id = coalesce(stripe_customer_id, p_customer_id)
  where id = p_user_id
  returning * into v_user;
  if not found then
    raise exception using errcode = 'TU404', message = format('user %s not found', p_user_id);
  end if;
  return user_json(v_user);
end
$$;

-- What a Clerk user webhook says (user.created, user.updated, user.deleted), applied so that order
-- and repetition do not matter: a deletion is final (the row and its ledger stay, the email goes),
-- and a profile older than the one applied (Clerk's updated_at) changes nothing. A malformed email is
-- stored as none rather than refusing the user. Returns the user.
create or replace function sync_clerk_user(
  p_user_id text,
  p_email text,
  p_deleted boolean,
  p_profile_updated_at timestamptz default null
) returns jsonb
language plpgsql as $$
declare
  v_user users;
  v_email text := case when p_email is not null and length(p_email) <= 320 and p_email like '%_@_%' then p_email end;
begin
  perform assert_user_id(p_user_id);
  if coalesce(p_deleted, false) then
    insert into users (id, deleted_at) values (p_user_id, now())
    on conflict (id) do update set deleted_at = coalesce(users.deleted_at, now()), email = null
    returning * into v_user;
    return user_json(v_user);
  end if;
  insert into users (id, email, profile_updated_at) values (p_user_id, v_email, p_profile_updated_at)
  on conflict (id) do update set email = excluded.email, profile_updated_at = excluded.profile_updated_at
    where users.deleted_at is null
      and (users.profile_updated_at is null or excluded.profile_updated_at is null
           or excluded.profile_updated_at >= users.profile_updated_at)
  returning * into v_user;
  -- Nothing to change: the row as it is.
  return case when found then user_json(v_user) else find_user(p_user_id) end;
end
$$;
