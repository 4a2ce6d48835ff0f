-- Holds (schema/0015_credit_holds.sql): credits reserved for a pending use. A hold reserves an
-- amount, not lots: while active and before its expires_at it counts in held_credits
-- (functions/lots.sql), which spends and new holds may not take (assert_credits_available). A
-- capture is one 'spend' entry through apply_credit_movement (drawn from lots then); what it does not
-- take is released. A hold past its expires_at is treated as released at that instant; the sweep
-- (sweep_expired_credits) writes its status. TU410: the hold is not active.

-- The hold as of p_now: an active one past its expiry reads 'expired'.
create or replace function hold_json(h credit_holds, p_now timestamptz) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', h.id::text,
    'userId', h.user_id,
    'amount', h.amount,
    'status', case when h.status = 'active' and h.expires_at <= p_now then 'expired' else h.status end,
    'reason', h.reason,
    'expiresAt', iso_time(h.expires_at),
    'capturedCredits', h.captured_credits,
    'createdAt', iso_time(h.created_at)
  )
$$;

create or replace function hold_request_hash(p_user_id text, p_amount bigint, p_reason text, p_expires_in_seconds integer)
returns text
language sql immutable as $$
  select encode(sha256(convert_to(jsonb_build_array(p_user_id, p_amount, p_reason, p_expires_in_seconds)::text, 'UTF8')), 'hex')
$$;

-- The hold keyed p_key by p_actor for p_user_id, or null; TU409 when its input differs.
create or replace function keyed_hold(p_user_id text, p_actor text, p_key text, p_hash text) returns jsonb
language plpgsql as $$
declare
  v_hold credit_holds;
begin
  select * into v_hold from credit_holds
  where idempotency_scope = client_idempotency_scope(p_actor) and user_id = p_user_id and idempotency_key = p_key;
  if v_hold.id is null then
    return null;
  end if;
  if v_hold.request_hash <> p_hash then
    raise exception using errcode = 'TU409',
      message = format('idempotency key %s was already used with a different input', p_key);
  end if;
  return hold_json(v_hold, ledger_now());
end
$$;

-- Reserves p_amount of the user's available credits for p_expires_in_seconds (1 to 86400). Raises
-- TU400, TU404, TU402 (more than available), TU409. A replay returns the original hold as it is now.
create or replace function reserve_credits(
  p_user_id text, p_amount bigint, p_reason text, p_actor text, p_idempotency_key text, p_expires_in_seconds integer
) returns jsonb
language plpgsql as $$
declare
  v_hash text := hold_request_hash(p_user_id, p_amount, p_reason, p_expires_in_seconds);
  v_replay jsonb;
  v_balance bigint;
  v_now timestamptz;
  v_hold credit_holds;
begin
  if p_amount is null or p_amount <= 0 or p_amount > safe_integer_max() then
    raise exception using errcode = 'TU400', message = 'amount to reserve must be a positive integer';
  end if;
  if p_expires_in_seconds is null or p_expires_in_seconds not between 1 and 86400 then
    raise exception using errcode = 'TU400', message = 'expiresInSeconds must be 1 to 86400';
  end if;
  perform assert_credit_movement_input(-p_amount, p_reason, p_actor, p_idempotency_key);
  perform assert_key_given(p_idempotency_key, 'a hold');
  v_replay := keyed_hold(p_user_id, p_actor, p_idempotency_key, v_hash);
  if v_replay is not null then
    return v_replay;
  end if;
  v_now := ledger_now();
  v_balance := lock_user_balance(p_user_id, v_now);
  perform assert_credits_available(p_user_id, v_balance, -p_amount, v_now);
  insert into credit_holds (user_id, amount, reason, actor, expires_at, idempotency_scope, idempotency_key, request_hash, created_at)
  values (p_user_id, p_amount, p_reason, p_actor, v_now + make_interval(secs => p_expires_in_seconds),
    client_idempotency_scope(p_actor), p_idempotency_key, v_hash, v_now)
  returning * into v_hold;
  return hold_json(v_hold, v_now);
end
$$;

-- The hold p_hold_id, locked; TU404 when there is none (or the id is not a number).
create or replace function lock_hold(p_hold_id text) returns credit_holds
language plpgsql as $$
declare
  v_hold credit_holds;
begin
  if p_hold_id ~ '^[0-9]{1,18}$' then
    select * into v_hold from credit_holds where id = p_hold_id::bigint for update;
  end if;
  if v_hold.id is null then
    raise exception using errcode = 'TU404', message = format('hold %s not found', p_hold_id);
  end if;
  return v_hold;
end
$$;

create or replace function raise_hold_not_active(p_hold credit_holds, p_now timestamptz) returns void
language plpgsql as $$
begin
  raise exception using errcode = 'TU410',
    message = format('hold %s is %s', p_hold.id, hold_json(p_hold, p_now)->>'status'),
    detail = jsonb_build_object('holdId', p_hold.id::text, 'status', hold_json(p_hold, p_now)->>'status')::text;
end
$$;

-- Spends p_amount (1 to the hold's amount) of an active hold as one 'spend' entry keyed p_key (the
-- caller's scope) and releases the rest. A replay with the same key and amount returns the captured
-- hold; another amount is TU409. Raises TU400, TU404, TU410 (not active), TU402 (the credits the
-- hold reserved were clawed back meanwhile).
create or replace function capture_credits(p_hold_id text, p_amount bigint, p_actor text, p_idempotency_key text) returns jsonb
language plpgsql as $$
declare
  v_hold credit_holds := lock_hold(p_hold_id);
  v_now timestamptz := ledger_now();
  v_hash text := encode(sha256(convert_to(jsonb_build_array(p_hold_id, p_amount)::text, 'UTF8')), 'hex');
  v_entry credit_ledger;
begin
  if p_idempotency_key is null or length(p_idempotency_key) not between 1 and 255 then
    raise exception using errcode = 'TU400', message = 'a capture requires an idempotency key of 1 to 255 characters';
  end if;
  if v_hold.status = 'captured' and v_hold.capture_idempotency_key = p_idempotency_key then
    if v_hold.capture_request_hash <> v_hash then
      raise exception using errcode = 'TU409',
        message = format('idempotency key %s was already used with a different input', p_idempotency_key);
    end if;
    return hold_json(v_hold, v_now);
  end if;
  if v_hold.status <> 'active' or v_hold.expires_at <= v_now then
    perform raise_hold_not_active(v_hold, v_now);
  end if;
  if p_amount is null or p_amount <= 0 or p_amount > v_hold.amount then
    raise exception using errcode = 'TU400', message = format('amount to capture must be 1 to %s', v_hold.amount);
  end if;
  -- The hold stops counting first, so the spend may take the credits it reserved.
  update credit_holds set status = 'captured', captured_credits = p_amount, capture_idempotency_key = p_idempotency_key,
    capture_request_hash = v_hash, finished_at = v_now where id = v_hold.id;
  v_entry := apply_credit_movement(v_hold.user_id, -p_amount, 'spend', v_hold.reason, p_actor, p_idempotency_key,
    'hold', v_hold.id::text, null, false, client_idempotency_scope(p_actor));
  update credit_holds set capture_entry_id = v_entry.id where id = v_hold.id returning * into v_hold;
  return hold_json(v_hold, v_now);
end
$$;

-- Gives an active hold back. Releasing a released hold returns it (a replay); a captured or expired
-- one is TU410.
create or replace function release_credits(p_hold_id text) returns jsonb
language plpgsql as $$
declare
  v_hold credit_holds := lock_hold(p_hold_id);
  v_now timestamptz := ledger_now();
begin
  if v_hold.status = 'released' then
    return hold_json(v_hold, v_now);
  end if;
  if v_hold.status <> 'active' or v_hold.expires_at <= v_now then
    perform raise_hold_not_active(v_hold, v_now);
  end if;
  update credit_holds set status = 'released', finished_at = v_now where id = v_hold.id returning * into v_hold;
  return hold_json(v_hold, v_now);
end
$$;

-- The user's holds, newest first (at most 100), of one status as of now when p_status is given.
create or replace function list_holds(p_user_id text, p_status text default null) returns jsonb
language sql volatile as $$
  with clock as (select ledger_now() as now)
  select coalesce(jsonb_agg(j order by id desc), '[]'::jsonb)
  from (
    select h.id, hold_json(h, clock.now) as j from credit_holds h, clock
    where h.user_id = p_user_id and (p_status is null or hold_json(h, clock.now)->>'status' = p_status)
    order by h.id desc limit 100
  ) listed
$$;
