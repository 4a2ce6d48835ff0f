-- Delivering the outbox (functions/webhooks.sql writes it): the workers' claim and attempt record,
-- the endpoints admins manage, the delivery list and replays, the low-balance threshold, and what
-- the server's config says (LOW_BALANCE_CREDITS, APP_WEBHOOK_URL + APP_WEBHOOK_SECRET). Times
-- come from the caller (p_now): the workers' clock is injected, so tests move it.

create or replace function webhook_endpoint_json(e webhook_endpoints) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', e.id, 'url', e.url, 'eventTypes', to_jsonb(e.event_types), 'description', e.description,
    'enabled', e.enabled, 'disabledReason', e.disabled_reason, 'createdAt', iso_time(e.created_at))
$$;

create or replace function webhook_delivery_json(d webhook_deliveries) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', d.id::text, 'webhookId', v.webhook_id, 'endpointId', d.endpoint_id, 'eventType', v.type,
    'status', d.status, 'attempts', d.attempts, 'lastStatusCode', d.last_status_code,
    'nextAttemptAt', case when d.status = 'pending' then iso_time(d.next_attempt_at) end,
    'replayOf', d.replay_of::text, 'createdAt', iso_time(d.created_at))
  from webhook_events v where v.id = d.event_id
$$;

-- Claims up to p_limit due deliveries of enabled endpoints for p_claim_seconds, soonest due first.
-- Each enabled endpoint's due rows come from its own range of webhook_deliveries_endpoint_due_index
-- (schema/0023), so the waiting deliveries of a disabled endpoint cost a poll nothing. A claim that
-- was not recorded in time (its worker died) expires and the delivery is claimable again. Each row
-- carries what the worker needs: the body, the webhook-id, the URL and the secrets that sign now.
create or replace function claim_webhook_deliveries(p_now timestamptz, p_limit integer, p_claim_seconds integer, p_claim_token text)
returns jsonb
language sql as $$
  with due as (
    select d.id from webhook_endpoints e
    cross join lateral (
      select d.id, d.next_attempt_at from webhook_deliveries d
      -- Due within the caller's millisecond (its clock counts ms, clock_timestamp() stamps µs).
      where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at < p_now + interval '1 millisecond'
        and (d.claimed_until is null or d.claimed_until <= p_now)
      order by d.next_attempt_at, d.id
      limit p_limit
      for update of d skip locked
    ) d
    where e.enabled
    order by d.next_attempt_at, d.id
    limit p_limit
  ), claimed as (
    update webhook_deliveries d
    set claimed_until = p_now + make_interval(secs => p_claim_seconds), claim_token = p_claim_token
    from due where d.id = due.id
    returning d.*
  )
  select coalesce(jsonb_agg(jsonb_build_object(
    'id', c.id::text, 'webhookId', v.webhook_id, 'body', v.payload::text, 'attempts', c.attempts,
    'url', e.url, 'endpointId', e.id, 'eventCreatedAt', iso_time(v.created_at),
    'secrets', to_jsonb(array_remove(array[e.secret,
      case when e.previous_secret_expires_at > p_now then e.previous_secret end], null))) order by c.id), '[]'::jsonb)
  from claimed c join webhook_events v on v.id = c.event_id join webhook_endpoints e on e.id = c.endpoint_id
$$;

-- Records a batch of attempts of claimed deliveries in one statement (the worker sends every result
-- that finished meanwhile): p_attempts is [{ id, claimToken, succeeded, statusCode, error,
-- nextAttemptAt }]. A 2xx (succeeded) acknowledges; otherwise the delivery is due again at
-- nextAttemptAt, or failed when that is null (the schedule ran out). An attempt whose claim expired
-- and was taken by another worker is not recorded. Per endpoint of the batch: a success clears its
-- failures; an HTTP 410 disables it at once ('gone'); only failures since failing_since for
-- p_disable_after_seconds disable it ('failing'). Returns the number of attempts recorded.
create or replace function record_webhook_attempts(p_now timestamptz, p_attempts jsonb, p_disable_after_seconds integer)
returns integer
language sql as $$
  with attempt as (
    select * from jsonb_to_recordset(p_attempts)
      as a(id bigint, "claimToken" text, succeeded boolean, "statusCode" integer, error text, "nextAttemptAt" timestamptz)
  ), recorded as (
    update webhook_deliveries d
    set attempts = d.attempts + 1, last_status_code = a."statusCode", last_error = left(a.error, 500),
      first_attempt_at = coalesce(d.first_attempt_at, p_now), claimed_until = null, claim_token = null,
      status = case when a.succeeded then 'succeeded' when a."nextAttemptAt" is null then 'failed' else 'pending' end,
      delivered_at = case when a.succeeded then p_now end,
      next_attempt_at = coalesce(a."nextAttemptAt", d.next_attempt_at)
    from attempt a
    where d.id = a.id and d.claim_token = a."claimToken"
    returning d.endpoint_id, a.succeeded, a."statusCode" as status_code
  ), by_endpoint as (
    select endpoint_id, bool_or(succeeded) as any_succeeded, bool_or(status_code is not distinct from 410) as gone
    from recorded group by endpoint_id
  ), to_update as (
    -- Locked in id order, so two workers recording batches for the same endpoints never deadlock.
    select e.id from webhook_endpoints e join by_endpoint b on b.endpoint_id = e.id
    where b.gone or not b.any_succeeded or e.failing_since is not null
    order by e.id
    for update of e
  ), endpoint_update as (
    update webhook_endpoints e
    set failing_since = case when b.any_succeeded then null else coalesce(e.failing_since, p_now) end,
      enabled = e.enabled and not b.gone
        and (b.any_succeeded or p_now - coalesce(e.failing_since, p_now) < make_interval(secs => p_disable_after_seconds)),
      disabled_reason = case
        when not e.enabled then e.disabled_reason
        when b.gone then 'gone'
        when not b.any_succeeded and p_now - coalesce(e.failing_since, p_now) >= make_interval(secs => p_disable_after_seconds) then 'failing'
      end,
      updated_at = now()
    from by_endpoint b join to_update u on u.id = b.endpoint_id
    where e.id = b.endpoint_id
    returning 1
  )
  select count(*)::integer from recorded
$$;

-- One attempt (record_webhook_attempts of one); returns the delivery, or null when its claim expired
-- and was taken by another worker.
create or replace function record_webhook_attempt(
  p_delivery_id bigint, p_claim_token text, p_now timestamptz, p_succeeded boolean, p_status_code integer,
  p_error text, p_next_attempt_at timestamptz, p_disable_after_seconds integer
) returns jsonb
language plpgsql as $$
declare
  v_row webhook_deliveries;
begin
  if record_webhook_attempts(p_now, jsonb_build_array(jsonb_build_object('id', p_delivery_id, 'claimToken', p_claim_token,
      'succeeded', p_succeeded, 'statusCode', p_status_code, 'error', p_error, 'nextAttemptAt', p_next_attempt_at)),
      p_disable_after_seconds) = 0 then
    return null;
  end if;
  select * into v_row from webhook_deliveries where id = p_delivery_id;
  return webhook_delivery_json(v_row);
end
$$;

create or replace function list_webhook_endpoints() returns jsonb
language sql stable as $$
  select coalesce(jsonb_agg(webhook_endpoint_json(e) order by e.created_at, e.id), '[]'::jsonb) from webhook_endpoints e
$$;

create or replace function find_webhook_endpoint(p_id text) returns webhook_endpoints
language plpgsql as $$
declare
  v_row webhook_endpoints;
begin
  select * into v_row from webhook_endpoints where id = p_id for update;
  if not found then
    raise exception using errcode = 'TU404', message = format('webhook endpoint %s not found', p_id);
  end if;
  return v_row;
end
$$;

create or replace function create_webhook_endpoint(p_url text, p_event_types text[], p_description text, p_secret text)
returns jsonb
language sql as $$
  insert into webhook_endpoints (url, event_types, description, secret)
  values (p_url, coalesce(p_event_types, '{}'), coalesce(p_description, ''), p_secret)
  returning webhook_endpoint_json(webhook_endpoints)
$$;

-- Null arguments leave their field as it is. Enabling an endpoint forgets why it was disabled and
-- its failures; its pending deliveries are then attempted again.
create or replace function update_webhook_endpoint(p_id text, p_url text, p_event_types text[], p_description text, p_enabled boolean)
returns jsonb
language plpgsql as $$
declare
  v_row webhook_endpoints := find_webhook_endpoint(p_id);
begin
  update webhook_endpoints set
    url = coalesce(p_url, url),
    event_types = coalesce(p_event_types, event_types),
    description = coalesce(p_description, description),
    enabled = coalesce(p_enabled, enabled),
    disabled_reason = case when p_enabled then null when p_enabled = false and enabled then 'admin' else disabled_reason end,
    failing_since = case when p_enabled then null else failing_since end,
    updated_at = now()
  where id = v_row.id
  returning * into v_row;
  return webhook_endpoint_json(v_row);
end
$$;

-- Deletes the endpoint and its deliveries (the events stay). Returns the deleted endpoint.
create or replace function delete_webhook_endpoint(p_id text) returns jsonb
language plpgsql as $$
declare
  v_row webhook_endpoints := find_webhook_endpoint(p_id);
begin
  delete from webhook_endpoints where id = v_row.id;
  return webhook_endpoint_json(v_row);
end
$$;

-- The new secret signs from now on; the old one signs too until p_now + p_overlap_seconds.
create or replace function rotate_webhook_endpoint_secret(p_id text, p_secret text, p_now timestamptz, p_overlap_seconds integer)
returns jsonb
language plpgsql as $$
declare
  v_row webhook_endpoints := find_webhook_endpoint(p_id);
begin
  update webhook_endpoints
  set previous_secret = secret, previous_secret_expires_at = p_now + make_interval(secs => p_overlap_seconds),
    secret = p_secret, updated_at = now()
  where id = v_row.id
  returning * into v_row;
  return webhook_endpoint_json(v_row);
end
$$;

-- Deliveries newest first, filtered; keyset on id. p_limit + 1 rows tell whether a next page exists.
create or replace function list_webhook_deliveries(
  p_endpoint_id text, p_event_type text, p_status text, p_after text, p_limit integer
) returns jsonb
language plpgsql stable as $$
declare
  v_after bigint;
begin
  perform assert_page_size(p_limit);
  v_after := parse_id_cursor(p_after, 19);
  return (
    select coalesce(jsonb_agg(jsonb_build_object('node', webhook_delivery_json(page), 'cursor', page.id::text) order by page.id desc), '[]'::jsonb)
    from (
      select d.* from webhook_deliveries d
      where (p_endpoint_id is null or d.endpoint_id = p_endpoint_id)
        and (p_status is null or d.status = p_status)
        and (p_event_type is null or d.event_id in (select v.id from webhook_events v where v.type = p_event_type))
        and (v_after is null or d.id < v_after)
      order by d.id desc
      limit p_limit + 1
    ) page
  );
end
$$;

-- A new delivery of the same event to the same endpoint, due now: the same webhook-id, so a
-- receiver that already handled it can tell. Returns the new delivery. The original is locked
-- (key share) so retention (functions/retention.sql) skips it meanwhile; one retention removed
-- first is not found, like an id that never existed.
-- Errors: TU404 (no such delivery, or removed by retention).
create or replace function replay_webhook_delivery(p_id bigint, p_now timestamptz) returns jsonb
language plpgsql as $$
declare
  v_original webhook_deliveries;
  v_row webhook_deliveries;
begin
  select * into v_original from webhook_deliveries where id = p_id for key share;
  if not found then
    raise exception using errcode = 'TU404',
      message = format('webhook delivery %s not found (settled deliveries are removed after RETENTION_DAYS)', p_id);
  end if;
  insert into webhook_deliveries (event_id, endpoint_id, replay_of, next_attempt_at)
  values (v_original.event_id, v_original.endpoint_id, v_original.id, p_now)
  returning * into v_row;
  -- With the event's user, which the replay's audit record is about (audit_target_user).
  return webhook_delivery_json(v_row)
    || jsonb_strip_nulls(jsonb_build_object('userId', (select v.user_id from webhook_events v where v.id = v_row.event_id)));
end
$$;

-- Sets the user's threshold (null: back to LOW_BALANCE_CREDITS) under the user's row lock, which
-- every judgement of the alerts holds (announce_balance_alerts), so no crossing is judged meanwhile; the alarm is
-- armed when the available credits are at or above the new threshold (setting it above them
-- announces nothing: no change of credits crossed it). Returns the user.
create or replace function set_low_balance_threshold(p_user_id text, p_credits bigint) returns jsonb
language plpgsql as $$
declare
  v_user users;
begin
  if p_credits is not null and p_credits not between 0 and safe_integer_max() then
    raise exception using errcode = 'TU400', message = 'the low-balance threshold must be between 0 and the safe integer maximum';
  end if;
  select * into v_user from users where id = p_user_id for update;
  if not found then
    raise exception using errcode = 'TU404', message = format('user %s not found', p_user_id);
  end if;
  insert into balance_alert_states (user_id, low_balance_credits, low_armed) values (p_user_id, p_credits, null)
  on conflict (user_id) do update set low_balance_credits = excluded.low_balance_credits, updated_at = now();
  update balance_alert_states set low_armed = (select c.available from alert_credits(p_user_id) c) >= low_balance_threshold(p_user_id)
  where user_id = p_user_id;
  return user_json(v_user);
end
$$;

-- The thresholds of several users (one call per GraphQL page): { userId: credits }.
create or replace function low_balance_thresholds(p_user_ids text[]) returns jsonb
language sql stable as $$
  select coalesce(jsonb_object_agg(u.id, low_balance_threshold(u.id)), '{}'::jsonb) from unnest(p_user_ids) as u(id)
$$;

-- What the config says, at every boot: LOW_BALANCE_CREDITS, and the default endpoint (id 'default')
-- of APP_WEBHOOK_URL + APP_WEBHOOK_SECRET. A changed secret rotates like
-- rotate_webhook_endpoint_secret (the old one signs for p_overlap_seconds more); no URL disables it.
create or replace function configure_webhooks(
  p_low_balance_credits bigint, p_default_url text, p_default_secret text, p_now timestamptz, p_overlap_seconds integer
) returns jsonb
language plpgsql as $$
declare
  v_row webhook_endpoints;
begin
  update webhook_settings set low_balance_credits = p_low_balance_credits where low_balance_credits <> p_low_balance_credits;
  select * into v_row from webhook_endpoints where id = 'default' for update;
  if p_default_url is null then
    update webhook_endpoints set enabled = false, disabled_reason = 'admin', updated_at = now() where id = 'default' and enabled;
  elsif v_row.id is null then
    insert into webhook_endpoints (id, url, secret, description) values ('default', p_default_url, p_default_secret, 'APP_WEBHOOK_URL');
  elsif v_row.url <> p_default_url or v_row.secret <> p_default_secret or v_row.disabled_reason = 'admin' then
    update webhook_endpoints set url = p_default_url, enabled = true, disabled_reason = null, failing_since = null,
      secret = p_default_secret,
      previous_secret = case when secret <> p_default_secret then secret else previous_secret end,
      previous_secret_expires_at = case when secret <> p_default_secret then p_now + make_interval(secs => p_overlap_seconds)
        else previous_secret_expires_at end,
      updated_at = now()
    where id = 'default';
  end if;
  return list_webhook_endpoints();
end
$$;
