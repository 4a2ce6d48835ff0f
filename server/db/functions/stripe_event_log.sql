-- The admins' Stripe event log (console: Admin -> Stripe events) over stripe_events (schema/0004,
-- 0022): a filtered list, newest first, keyset-paged, and one event with its payload on demand.
-- The list never carries payloads: a page of 100 events could weigh megabytes, and an admin opens
-- one event at a time.

-- One event as the API shows it; outcome is the word (outcome_kind), description the sentence.
create or replace function stripe_event_json(p stripe_events) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', p.id,
    'type', p.type,
    'outcome', p.outcome_kind,
    'description', p.outcome,
    'deliveries', p.deliveries,
    'error', p.last_error,
    'livemode', p.livemode,
    'createdAt', iso_time(p.created_at_stripe),
    'receivedAt', iso_time(p.received_at),
    'processedAt', iso_time(p.processed_at),
    'purchaseSessionId', p.purchase_session_id,
    'userId', p.user_id,
    'hasPayload', p.payload is not null,
    -- When retention removed the JSON (a redelivery may store it again: then null).
    'payloadRemovedAt', case when p.payload is null then iso_time(p.payload_removed_at) end
  )
$$;

-- Events matching every filter given (null: no filter): outcome words (any of), only those delivered
-- more than once (a redelivery of a processed event is a duplicate), the type (exact, or a prefix of
-- whole dotted parts: 'charge.dispute' matches 'charge.dispute.closed'), the purchase's session id,
-- the user, received in [p_from, p_to). Returns [{node, cursor}], one row more than p_limit.
-- Errors: TU400 (page size, cursor).
create or replace function list_stripe_events(
  p_outcomes text[] default null,
  p_duplicates_only boolean default false,
  p_type text default null,
  p_purchase_session_id text default null,
  p_user_id text default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_after text default null,
  p_limit integer default 20
) returns jsonb
language plpgsql stable as $$
declare
  v_after record;
  v_conditions text := '';
  v_rows jsonb;
begin
  perform assert_page_size(p_limit);
  select * into v_after from parse_keyset_cursor(p_after);
  if v_after.key is not null then v_conditions := v_conditions || ' and (e.received_at, e.id) < (from_epoch_microseconds($8), $9)'; end if;
  if p_outcomes is not null and cardinality(p_outcomes) > 0 then v_conditions := v_conditions || ' and e.outcome_kind = any($1)'; end if;
  if coalesce(p_duplicates_only, false) then v_conditions := v_conditions || ' and e.deliveries > 1 and $2'; end if;
  if p_type is not null then v_conditions := v_conditions || ' and (e.type = $3 or left(e.type, length($3) + 1) = $3 || ''.'')'; end if;
  if p_purchase_session_id is not null then v_conditions := v_conditions || ' and e.purchase_session_id = $4'; end if;
  if p_user_id is not null then v_conditions := v_conditions || ' and e.user_id = $5'; end if;
  if p_from is not null then v_conditions := v_conditions || ' and e.received_at >= $6'; end if;
  if p_to is not null then v_conditions := v_conditions || ' and e.received_at < $7'; end if;
  execute format($query$
    select coalesce(jsonb_agg(jsonb_build_object(
        'node', stripe_event_json(page),
        'cursor', epoch_microseconds(page.received_at)::text || ':' || page.id
      ) order by page.received_at desc, page.id desc), '[]'::jsonb)
    from (select e.* from stripe_events e where true %s order by e.received_at desc, e.id desc limit $10) page
  $query$, v_conditions)
  into v_rows
  using p_outcomes, p_duplicates_only, p_type, p_purchase_session_id, p_user_id, p_from, p_to,
        v_after.sort_value, v_after.key, p_limit + 1;
  return v_rows;
end
$$;

-- One event with its payload (null for events recorded before schema/0022, and once retention removed
-- it: payloadRemovedAt says when), or null when unknown.
create or replace function find_stripe_event(p_id text) returns jsonb
language sql stable as $$
  select stripe_event_json(e) || jsonb_build_object('payload', e.payload) from stripe_events e where e.id = p_id
$$;
