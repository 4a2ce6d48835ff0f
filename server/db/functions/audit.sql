-- The admin audit log (docs/audit.md, table in schema/0021_admin_audit.sql). supabase-js calls one
-- SQL function per request and cannot wrap two in a transaction, so an audited mutation is one call
-- of run_audited(): it calls the mutation's own function and writes the audit row with its result,
-- in the same transaction. A refused mutation (a domain error) rolls back and leaves no audit row of
-- its effect; record_refused_attempt() then writes one marked refused, in a transaction of its own.

-- Append-only, like the ledger: a record is never changed or deleted.
create or replace function refuse_audit_rewrite() returns trigger
language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % is not allowed', tg_op;
end
$$;

create or replace trigger audit_log_append_only
before update or delete on audit_log
for each row execute function refuse_audit_rewrite();

create or replace trigger audit_log_no_truncate
before truncate on audit_log
for each statement execute function refuse_audit_rewrite();

-- The functions run_audited may call: the SQL functions of the mutations that are audited. A
-- mutation that gains an audited SQL function adds its name here.
create or replace function audited_functions() returns text[]
language sql immutable as $$
  select array[
    'adjust_credits', 'spend_credits', 'grant_promotional_credits', 'spend_credits_batch',
    'reserve_credits', 'capture_credits', 'release_credits',
    'record_checkout_session', 'finish_refund_request',
    'create_webhook_endpoint', 'update_webhook_endpoint', 'delete_webhook_endpoint',
    'rotate_webhook_endpoint_secret', 'replay_webhook_delivery', 'set_low_balance_threshold',
    'set_auto_top_up', 'remove_saved_card'
  ]
$$;

-- A copy of p_value in which every value under a key that names a secret, and every string that is
-- a webhook signing secret (whsec_...), reads "[redacted]": nothing secret reaches the audit log.
create or replace function audit_redact(p_value jsonb) returns jsonb
language plpgsql immutable as $$
begin
  case jsonb_typeof(p_value)
    when 'object' then
      return (
        select coalesce(jsonb_object_agg(key, case when key ~* 'secret' then '"[redacted]"'::jsonb else audit_redact(value) end), '{}'::jsonb)
        from jsonb_each(p_value)
      );
    when 'array' then
      return (
        select coalesce(jsonb_agg(audit_redact(value) order by position), '[]'::jsonb)
        from jsonb_array_elements(p_value) with ordinality as element(value, position)
      );
    when 'string' then
      return case when p_value #>> '{}' ~ '^whsec_' then '"[redacted]"'::jsonb else p_value end;
    else
      return p_value;
  end case;
end
$$;

-- The named-argument list of a call of p_function with the values of p_arguments (an object keyed
-- by parameter name, as the Storage adapters send them), each value cast to its parameter's type:
-- jsonb as is, arrays from JSON arrays, everything else from its text. The values stay in $1.
create or replace function audited_call_arguments(p_function text, p_arguments jsonb) returns text
language plpgsql stable as $$
declare
  v_list text;
  v_matched integer;
begin
  if not p_function = any (audited_functions()) then
    raise exception 'run_audited: % is not an audited function', p_function;
  end if;
  if (select count(*) from pg_proc where proname = p_function and pronamespace = current_schema()::regnamespace) <> 1 then
    raise exception 'run_audited: % must be exactly one function', p_function;
  end if;
  select count(*), string_agg(
      case
        when t.typcategory = 'A' then format(
          '%1$I => case when jsonb_typeof($1->%1$L) = ''array'' then array(select jsonb_array_elements_text($1->%1$L))::%2$s end',
          a.name, format_type(a.type, null))
        when a.type = 'jsonb'::regtype then format('%1$I => $1->%1$L', a.name)
        else format('%1$I => ($1->>%1$L)::%2$s', a.name, format_type(a.type, null))
      end, ', ' order by a.position)
    into v_matched, v_list
  from pg_proc p
  cross join lateral unnest(p.proargnames, p.proargtypes::oid[]) with ordinality as a(name, type, position)
  join pg_type t on t.oid = a.type
  where p.proname = p_function and p.pronamespace = current_schema()::regnamespace and p_arguments ? a.name;
  if v_matched <> (select count(*) from jsonb_object_keys(p_arguments)) then
    raise exception 'run_audited: % does not take every argument of %', p_function, p_arguments;
  end if;
  return coalesce(v_list, '');
end
$$;

-- The user a mutation's result is about: its userId, or its purchase's (a refund request).
create or replace function audit_target_user(p_result jsonb) returns text
language sql immutable as $$
  select case when jsonb_typeof(p_result) = 'object'
    then coalesce(p_result->>'userId', p_result->'purchase'->>'userId') end
$$;

-- Calls p_function (one of audited_functions()) with the named arguments of p_arguments, writes its
-- audit record (p_audit: { actor, action, requestId, input, userId? }; the user defaults to the
-- result's) with the result, secrets redacted, and returns the result. A domain error of the call
-- propagates with its SQLSTATE and nothing is written.
create or replace function run_audited(p_function text, p_arguments jsonb, p_audit jsonb) returns jsonb
language plpgsql as $$
declare
  v_result jsonb;
begin
  if p_audit->>'actor' is null or p_audit->>'action' is null or p_audit->>'requestId' is null then
    raise exception 'run_audited: the audit of % needs an actor, an action and a requestId', p_function;
  end if;
  execute format('select %I(%s)', p_function, audited_call_arguments(p_function, coalesce(p_arguments, '{}'::jsonb)))
    into v_result using coalesce(p_arguments, '{}'::jsonb);
  insert into audit_log (actor, action, user_id, input, result, request_id)
  values (
    p_audit->>'actor',
    p_audit->>'action',
    coalesce(p_audit->>'userId', audit_target_user(v_result)),
    audit_redact(coalesce(p_audit->'input', 'null'::jsonb)),
    audit_redact(coalesce(v_result, 'null'::jsonb)),
    p_audit->>'requestId'
  );
  return v_result;
end
$$;

-- The record of a mutation that was refused (p_error: { code, message }), marked refused: written by
-- its own call after the mutation's transaction rolled back, so it records an attempt, never an effect.
create or replace function record_refused_attempt(p_audit jsonb, p_error jsonb) returns jsonb
language plpgsql as $$
declare
  v_row audit_log;
begin
  if p_audit->>'actor' is null or p_audit->>'action' is null or p_audit->>'requestId' is null or p_error->>'code' is null then
    raise exception 'record_refused_attempt: needs an actor, an action, a requestId and an error code';
  end if;
  insert into audit_log (actor, action, user_id, refused, input, result, request_id)
  values (
    p_audit->>'actor', p_audit->>'action', p_audit->>'userId', true,
    audit_redact(coalesce(p_audit->'input', 'null'::jsonb)),
    audit_redact(jsonb_build_object('error', jsonb_build_object('code', p_error->>'code', 'message', p_error->>'message'))),
    p_audit->>'requestId'
  )
  returning * into v_row;
  return audit_record_json(v_row);
end
$$;

create or replace function audit_record_json(a audit_log) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', a.id::text,
    'actor', a.actor,
    'action', a.action,
    'userId', a.user_id,
    'input', a.input,
    'result', a.result,
    'requestId', a.request_id,
    'refused', a.refused,
    'createdAt', iso_time(a.created_at)
  )
$$;

-- Audit records newest first, filtered by actor, action, user, [from, to) and refused; keyset on id.
create or replace function list_audit_log(
  p_actor text default null,
  p_action text default null,
  p_user_id text default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_refused boolean default null,
  p_after text default null,
  p_limit integer default 20
) returns jsonb
language plpgsql stable as $$
declare
  v_after_id bigint;
  v_conditions text := '';
  v_rows jsonb;
begin
  perform assert_page_size(p_limit);
  v_after_id := parse_id_cursor(p_after, 18);
  if v_after_id is not null then v_conditions := v_conditions || ' and a.id < $6'; end if;
  if p_actor is not null then v_conditions := v_conditions || ' and a.actor = $1'; end if;
  if p_action is not null then v_conditions := v_conditions || ' and a.action = $2'; end if;
  if p_user_id is not null then v_conditions := v_conditions || ' and a.user_id = $3'; end if;
  if p_from is not null then v_conditions := v_conditions || ' and a.created_at >= $4'; end if;
  if p_to is not null then v_conditions := v_conditions || ' and a.created_at < $5'; end if;
  if p_refused is not null then v_conditions := v_conditions || ' and a.refused = $8'; end if;
  execute format($query$
    select coalesce(jsonb_agg(jsonb_build_object('node', audit_record_json(page), 'cursor', page.id::text) order by page.id desc), '[]'::jsonb)
    from (select a.* from audit_log a where true %s order by a.id desc limit $7) page
  $query$, v_conditions)
  into v_rows
  using p_actor, p_action, p_user_id, p_from, p_to, v_after_id, p_limit + 1, p_refused;
  return v_rows;
end
$$;
