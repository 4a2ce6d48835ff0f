-- The ledger's functions: the append-only guard, the one writer (apply_credit_movement) and the three
-- movements callers make (grant, spend, adjust). The table is schema/0002_credit_ledger.sql.

-- The largest integer JavaScript holds exactly (Number.MAX_SAFE_INTEGER): no credit amount or
-- balance may leave [-safe_integer_max(), safe_integer_max()]. The shipped tables state the same
-- bound in their CHECK constraints (schema/0001-0003, never edited); functions/ledger.test.sql
-- proves that this function and those constraints agree.
create or replace function safe_integer_max() returns bigint
language sql immutable parallel safe as $$
  select 9007199254740991::bigint
$$;

-- Append-only: history is corrected by new entries, never rewritten.
create or replace function refuse_ledger_rewrite() returns trigger
language plpgsql as $$
begin
  raise exception 'credit_ledger is append-only: % is not allowed', tg_op;
end
$$;

create or replace trigger credit_ledger_append_only
before update or delete on credit_ledger
for each row execute function refuse_ledger_rewrite();

create or replace trigger credit_ledger_no_truncate
before truncate on credit_ledger
for each statement execute function refuse_ledger_rewrite();

create or replace function ledger_entry_json(e credit_ledger) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', e.id::text,
    'userId', e.user_id,
    'delta', e.delta,
    'balanceAfter', e.balance_after,
    'kind', e.kind,
    'reason', e.reason,
    'actor', e.actor,
    'idempotencyKey', e.idempotency_key,
    'sourceType', e.source_type,
    'sourceId', e.source_id,
    'purchaseSessionId', e.purchase_session_id,
    'createdAt', iso_time(e.created_at)
  )
$$;

-- A replay of a keyed movement: the original row when the input is the same, a conflict otherwise.
create or replace function idempotent_replay(p_existing credit_ledger, p_request_hash text) returns credit_ledger
language plpgsql as $$
begin
  if p_existing.request_hash is distinct from p_request_hash then
    raise exception using
      errcode = 'TU409',
      message = format('idempotency key %s was already used with a different input', p_existing.idempotency_key),
      detail = jsonb_build_object('entryId', p_existing.id::text)::text;
  end if;
  return p_existing;
end
$$;

-- The movement keyed p_key in p_scope for p_user_id, or a row of nulls.
create or replace function keyed_movement(p_scope text, p_user_id text, p_key text) returns credit_ledger
language plpgsql stable as $$
declare
  v_entry credit_ledger;
begin
  select * into v_entry from credit_ledger e
  where e.idempotency_scope = p_scope and e.user_id = p_user_id and e.idempotency_key = p_key;
  return v_entry;
end
$$;

-- The input checks of apply_credit_movement that need no row: TU400 for each rule broken.
create or replace function assert_credit_movement_input(p_delta bigint, p_reason text, p_actor text, p_idempotency_key text)
returns void
language plpgsql immutable as $$
begin
  if p_delta is null or p_delta = 0 or abs(p_delta) > safe_integer_max() then
    raise exception using errcode = 'TU400', message = 'credits must be a non-zero integer within the safe range';
  end if;
  if p_actor is null or length(p_actor) not between 1 and 200 then
    raise exception using errcode = 'TU400', message = 'actor must be 1 to 200 characters';
  end if;
  if p_reason is not null and length(p_reason) > 500 then
    raise exception using errcode = 'TU400', message = 'reason must be at most 500 characters';
  end if;
  if p_idempotency_key is not null and length(p_idempotency_key) not between 1 and 255 then
    raise exception using errcode = 'TU400', message = 'idempotency key must be 1 to 255 characters';
  end if;
end
$$;

-- The checks the public movements share, TU400 each, in the words of p_what ('an adjustment'):
-- a positive amount, a reason with text, an idempotency key.
create or replace function assert_positive_amount(p_amount bigint, p_what text) returns void
language plpgsql immutable as $$
begin
  if p_amount is null or p_amount <= 0 then
    raise exception using errcode = 'TU400', message = p_what || ' must be a positive integer';
  end if;
end
$$;

create or replace function assert_reason_given(p_reason text, p_what text) returns void
language plpgsql immutable as $$
begin
  if p_reason is null or length(btrim(p_reason)) = 0 then
    raise exception using errcode = 'TU400', message = p_what || ' needs a reason';
  end if;
end
$$;

create or replace function assert_key_given(p_idempotency_key text, p_what text) returns void
language plpgsql immutable as $$
begin
  if p_idempotency_key is null then
    raise exception using errcode = 'TU400', message = p_what || ' requires an idempotency key';
  end if;
end
$$;

-- The ten-argument form before idempotency scopes (schema/0005_idempotency_scopes.sql).
drop function if exists apply_credit_movement(text, bigint, text, text, text, text, text, text, text, boolean);

-- The scope of a key a caller chose: its own, per caller, so it never meets Topup's keys ('system')
-- nor another caller's. The user is the other half of the unique index.
create or replace function client_idempotency_scope(p_actor text) returns text
language sql immutable parallel safe as $$
  select 'client:' || p_actor
$$;

-- The eleven-argument form before credit lots (schema/0014_credit_lots.sql).
drop function if exists apply_credit_movement(text, bigint, text, text, text, text, text, text, text, boolean, text);

-- Locks the user's row (TU404 when there is none), expires the lots that are due at p_now (EXPIRY
-- entries) and returns the balance after them: what a movement or a hold may then rely on.
create or replace function lock_user_balance(p_user_id text, p_now timestamptz) returns bigint
language plpgsql as $$
declare
  v_balance bigint;
begin
  select credits into v_balance from users where id = p_user_id for update;
  if not found then
    raise exception using errcode = 'TU404', message = format('user %s not found', p_user_id);
  end if;
  return expire_due_lots(p_user_id, v_balance, p_now);
end
$$;

-- Refuses (TU402) to take -p_delta credits past what the user may spend: the balance less the
-- credits active holds reserve (never below zero).
create or replace function assert_credits_available(p_user_id text, p_balance bigint, p_delta bigint, p_now timestamptz)
returns void
language plpgsql as $$
declare
  v_available bigint := greatest(0, p_balance - held_credits(p_user_id, p_now));
begin
  if v_available + p_delta < 0 then
    raise exception using
      errcode = 'TU402',
      message = format('insufficient credits: %s available, %s requested', v_available, -p_delta),
      detail = jsonb_build_object('balance', p_balance, 'available', v_available, 'requested', -p_delta)::text;
  end if;
end
$$;

-- The request hash of a movement: its formula must never change, or replays of rows already written
-- would conflict.
create or replace function credit_movement_hash(
  p_user_id text, p_delta bigint, p_kind text, p_reason text, p_actor text, p_source_type text, p_source_id text,
  p_purchase_session_id text
) returns text
language sql immutable as $$
  select encode(sha256(convert_to(
    jsonb_build_array(p_user_id, p_delta, p_kind, p_reason, p_actor, p_source_type, p_source_id, p_purchase_session_id)::text,
    'UTF8')), 'hex')
$$;

-- The one function that changes a balance. Raises TU400 (bad input), TU404 (no such user),
-- TU402 (would take more than the available credits, unless p_allow_overdraw), TU409 (key reused
-- with another input). Under the user's row lock it first expires the user's lots that are due
-- (EXPIRY entries), so a movement never uses an expired credit; a positive movement then makes a lot
-- (expiring at p_lot_expires_at), a negative one draws from lots (functions/lots.sql). A key is
-- unique within (p_idempotency_scope, user): 'system' for Topup's own keys,
-- client_idempotency_scope(actor) for a caller's, so a client can never take a key a purchase or a
-- clawback will need.
create or replace function apply_credit_movement(
  p_user_id text,
  p_delta bigint,
  p_kind text,
  p_reason text,
  p_actor text,
  p_idempotency_key text,
  p_source_type text,
  p_source_id text,
  p_purchase_session_id text,
  p_allow_overdraw boolean,
  p_idempotency_scope text,
  p_lot_expires_at timestamptz default null
) returns credit_ledger
language plpgsql as $$
declare
  v_request_hash text;
  v_existing credit_ledger;
  v_balance bigint;
  v_now timestamptz;
  v_row credit_ledger;
begin
  perform assert_credit_movement_input(p_delta, p_reason, p_actor, p_idempotency_key);
  -- A programmer error, not input: every keyed call names its scope.
  assert p_idempotency_key is null or p_idempotency_scope = 'system' or p_idempotency_scope = client_idempotency_scope(p_actor),
    'a keyed movement needs the system scope or its caller''s';
  v_request_hash := case when p_idempotency_key is null then null else
    credit_movement_hash(p_user_id, p_delta, p_kind, p_reason, p_actor, p_source_type, p_source_id, p_purchase_session_id) end;

  -- Fast path for replays: no lock taken (an unkeyed movement finds no row).
  v_existing := keyed_movement(p_idempotency_scope, p_user_id, p_idempotency_key);
  if v_existing.id is not null then
    return idempotent_replay(v_existing, v_request_hash);
  end if;

  v_now := ledger_now();
  v_balance := lock_user_balance(p_user_id, v_now);
  -- A movement with this key that committed while we waited for the lock answers before any balance check.
  v_existing := keyed_movement(p_idempotency_scope, p_user_id, p_idempotency_key);
  if v_existing.id is not null then
    return idempotent_replay(v_existing, v_request_hash);
  end if;
  if abs(v_balance + p_delta) > safe_integer_max() then
    raise exception using errcode = 'TU400', message = 'the balance would leave the safe integer range';
  end if;
  if p_delta < 0 and not p_allow_overdraw then
    perform assert_credits_available(p_user_id, v_balance, p_delta, v_now);
  end if;

  -- A concurrent movement with the same scope, user and key committed while we waited for the
  -- user's lock: the unique index decides, and the loser returns the winner's row.
  insert into credit_ledger (
    user_id, delta, balance_after, kind, reason, actor, idempotency_key, idempotency_scope, request_hash,
    source_type, source_id, purchase_session_id, created_at
  ) values (
    p_user_id, p_delta, v_balance + p_delta, p_kind, p_reason, p_actor, p_idempotency_key,
    case when p_idempotency_key is not null then p_idempotency_scope end, v_request_hash,
    p_source_type, p_source_id, p_purchase_session_id, v_now
  )
  on conflict (idempotency_scope, user_id, idempotency_key) do nothing
  returning * into v_row;
  if not found then
    return idempotent_replay(keyed_movement(p_idempotency_scope, p_user_id, p_idempotency_key), v_request_hash);
  end if;

  update users set credits = v_row.balance_after, last_credit_update = v_row.created_at where id = p_user_id;
  perform case when p_delta > 0 then add_lot(v_row, v_balance, p_lot_expires_at) else draw_from_lots(v_row, v_now) end;
  return v_row;
end
$$;

-- Adds credits; the name the app this replaces calls. Positive kinds only. Only Topup's own code
-- grants (seeds, tests; no transport exposes it), so its keys are in the system scope.
create or replace function grant_credits(
  p_user_id text,
  p_credits bigint,
  p_kind text default 'adjustment',
  p_reason text default null,
  p_actor text default 'system',
  p_idempotency_key text default null,
  p_source_type text default null,
  p_source_id text default null
) returns jsonb
language plpgsql as $$
begin
  perform assert_positive_amount(p_credits, 'credits to grant');
  if p_kind is null or p_kind not in ('purchase', 'adjustment', 'dispute_won', 'promotion') then
    raise exception using errcode = 'TU400', message = 'grant kind must be purchase, adjustment, dispute_won or promotion';
  end if;
  return ledger_entry_json(apply_credit_movement(
    p_user_id, p_credits, p_kind, p_reason, p_actor, p_idempotency_key, p_source_type, p_source_id, null, false, 'system'));
end
$$;

-- Takes credits for usage; never below zero, and refused while a clawback left the balance short.
-- The key is the caller's own (client_idempotency_scope): it never meets Topup's keys.
create or replace function spend_credits(
  p_user_id text,
  p_amount bigint,
  p_reason text,
  p_actor text,
  p_idempotency_key text
) returns jsonb
language plpgsql as $$
begin
  perform assert_positive_amount(p_amount, 'amount to spend');
  perform assert_key_given(p_idempotency_key, 'spending');
  return ledger_entry_json(apply_credit_movement(
    p_user_id, -p_amount, 'spend', p_reason, p_actor, p_idempotency_key, 'service', null, null, false,
    client_idempotency_scope(p_actor)));
end
$$;

-- Promotional credits from an admin or a service: a 'promotion' entry and lot, expiring at
-- p_expires_at (null: never; otherwise it must be in the future). The key is the caller's own.
create or replace function grant_promotional_credits(
  p_user_id text,
  p_credits bigint,
  p_reason text,
  p_expires_at timestamptz,
  p_actor text,
  p_idempotency_key text
) returns jsonb
language plpgsql as $$
begin
  perform assert_positive_amount(p_credits, 'credits to grant');
  perform assert_reason_given(p_reason, 'a promotional grant');
  perform assert_key_given(p_idempotency_key, 'a promotional grant');
  -- The expiry is part of the input a replay must repeat: it goes into the hashed source id.
  return ledger_entry_json(apply_credit_movement(
    p_user_id, p_credits, 'promotion', btrim(p_reason), p_actor, p_idempotency_key, 'promotion',
    coalesce(iso_time(p_expires_at), 'never'), null, false, client_idempotency_scope(p_actor),
    assert_future_expiry(p_expires_at, p_user_id, p_idempotency_key, client_idempotency_scope(p_actor))));
end
$$;

-- p_expires_at when it is null or in the future, or a replay of the movement keyed p_key (whose
-- expiry may have passed since); TU400 otherwise.
create or replace function assert_future_expiry(p_expires_at timestamptz, p_user_id text, p_key text, p_scope text)
returns timestamptz
language plpgsql as $$
begin
  if p_expires_at is not null and p_expires_at <= ledger_now()
     and (keyed_movement(p_scope, p_user_id, p_key)).id is null then
    raise exception using errcode = 'TU400', message = 'expiresAt must be in the future';
  end if;
  return p_expires_at;
end
$$;

-- An admin's correction, with a required reason. A negative adjustment may not overdraw. The key is
-- the admin's own (client_idempotency_scope).
create or replace function adjust_credits(
  p_user_id text,
  p_delta bigint,
  p_reason text,
  p_actor text,
  p_idempotency_key text
) returns jsonb
language plpgsql as $$
begin
  perform assert_reason_given(p_reason, 'an adjustment');
  perform assert_key_given(p_idempotency_key, 'an adjustment');
  return ledger_entry_json(apply_credit_movement(
    p_user_id, p_delta, 'adjustment', btrim(p_reason), p_actor, p_idempotency_key, 'admin', null, null, false,
    client_idempotency_scope(p_actor)));
end
$$;
