-- The outbound-webhook outbox (docs/webhooks.md; tables in schema/0017_webhook_outbox.sql). Events
-- are written by triggers in the transaction of the change that caused them: a credit movement
-- (AFTER INSERT on credit_ledger: its credits.* event, and balance.low / balance.depleted), a
-- purchase that becomes pending or failed (credit_purchases). Each event gets one delivery per
-- enabled endpoint that takes its type; the workers (server/webhooks/) claim due deliveries with
-- FOR UPDATE SKIP LOCKED and record each attempt here.

-- The event a ledger kind announces. A won dispute restores credits: credits.granted, data.kind 'dispute_won'.
create or replace function webhook_event_type_of_kind(p_kind text) returns text
language sql immutable parallel safe as $$
  select case p_kind
    when 'purchase' then 'credits.granted'
    when 'dispute_won' then 'credits.granted'
    when 'refund' then 'credits.clawed_back'
    when 'dispute' then 'credits.clawed_back'
    when 'adjustment' then 'credits.adjusted'
    when 'spend' then 'credits.spent'
    when 'promotion' then 'credits.promotion_granted'
    when 'expiry' then 'credits.expired'
    else 'credits.' || p_kind
  end
$$;

-- Writes one event ({ type, timestamp, data: { userId, ... } }) and its deliveries to every enabled
-- endpoint that takes p_type (an endpoint with no event types takes all). Returns the event's id.
create or replace function enqueue_webhook_event(p_type text, p_user_id text, p_data jsonb) returns bigint
language plpgsql as $$
declare
  v_event_id bigint;
begin
  insert into webhook_events (type, user_id, payload)
  values (p_type, p_user_id, jsonb_build_object(
    'type', p_type,
    'timestamp', iso_time(clock_timestamp()),
    'data', jsonb_build_object('userId', p_user_id) || coalesce(p_data, '{}'::jsonb)))
  returning id into v_event_id;
  insert into webhook_deliveries (event_id, endpoint_id)
  select v_event_id, e.id from webhook_endpoints e
  where e.enabled and (cardinality(e.event_types) = 0 or p_type = any (e.event_types));
  return v_event_id;
end
$$;

-- The user's low-balance threshold: their own, else LOW_BALANCE_CREDITS (webhook_settings).
create or replace function low_balance_threshold(p_user_id text) returns bigint
language sql stable as $$
  select coalesce(
    (select s.low_balance_credits from balance_alert_states s where s.user_id = p_user_id),
    (select w.low_balance_credits from webhook_settings w))
$$;

-- AFTER INSERT on credit_ledger, once per statement over its new rows: every movement is announced
-- in its own transaction, and a statement that writes many (a batch of spends) does it in one
-- set-based statement instead of a trigger call per row. For each row, in entry order: its credits.*
-- event, then balance.low once per crossing from at-or-above the user's threshold
-- (low_balance_threshold) to below it, and balance.depleted when the balance reaches 0 or less from
-- above. A crossing is armed when the balance after the user's previous movement was at or above
-- the threshold (so after any movement the state is "after >= threshold"); a user without a state row
-- is armed when the balance before was at or above it. Movements run under the user's row lock, so
-- concurrent movements of one user cross one at a time and each crossing is seen once. Based on the
-- balance (holds are not subtracted).
create or replace function announce_credit_movements() returns trigger
language plpgsql as $$
begin
  with moved as (
    select n.*, n.balance_after - n.delta as balance_before, t.threshold, s.user_id is not null as has_state, s.low_armed,
      coalesce(lag(n.balance_after >= t.threshold) over (partition by n.user_id order by n.id),
        s.low_armed, n.balance_after - n.delta >= t.threshold) as armed
    from new_rows n
    left join balance_alert_states s on s.user_id = n.user_id
    cross join lateral (select coalesce(s.low_balance_credits, (select w.low_balance_credits from webhook_settings w)) as threshold) t
  ),
  events as (
    select m.id as entry_id, 0 as step, webhook_event_type_of_kind(m.kind) as type, m.user_id, jsonb_strip_nulls(jsonb_build_object(
      'entryId', m.id::text, 'delta', m.delta, 'balanceAfter', m.balance_after, 'kind', m.kind, 'reason', m.reason,
      'sessionId', m.purchase_session_id, 'createdAt', iso_time(m.created_at))) as data
    from moved m
    union all
    select m.id, 1, 'balance.low', m.user_id,
      jsonb_build_object('balance', m.balance_after, 'thresholdCredits', m.threshold, 'entryId', m.id::text)
    from moved m where m.balance_after < m.threshold and m.armed
    union all
    select m.id, 2, 'balance.depleted', m.user_id, jsonb_build_object('balance', m.balance_after, 'entryId', m.id::text)
    from moved m where m.balance_after <= 0 and m.balance_before > 0
  ),
  enqueued as (
    insert into webhook_events (type, user_id, payload)
    select e.type, e.user_id, jsonb_build_object('type', e.type, 'timestamp', iso_time(clock_timestamp()),
      'data', jsonb_build_object('userId', e.user_id) || e.data)
    from events e order by e.entry_id, e.step
    returning id, type
  ),
  delivered as (
    insert into webhook_deliveries (event_id, endpoint_id)
    select q.id, p.id from enqueued q
    join webhook_endpoints p on p.enabled and (cardinality(p.event_types) = 0 or q.type = any (p.event_types))
    order by q.id
  )
  -- The state after each user's last movement, written when it changes (or the user has no row).
  insert into balance_alert_states (user_id, low_armed)
  select l.user_id, l.now_armed from (
    select distinct on (m.user_id) m.user_id, m.has_state, m.low_armed, m.balance_after >= m.threshold as now_armed
    from moved m order by m.user_id, m.id desc
  ) l
  where not l.has_state or l.low_armed is distinct from l.now_armed
  on conflict (user_id) do update set low_armed = excluded.low_armed, updated_at = now();
  return null;
end
$$;

create or replace trigger credit_ledger_announce
after insert on credit_ledger
referencing new table as new_rows
for each statement execute function announce_credit_movements();

-- The row-level forms these replaced.
drop function if exists announce_credit_movement();
drop function if exists announce_balance_alerts(text, bigint, bigint, bigint);

-- AFTER INSERT or UPDATE OF status on credit_purchases: purchase.pending and purchase.failed.
create or replace function announce_purchase_status() returns trigger
language plpgsql as $$
begin
  if new.status in ('pending', 'failed') and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    perform enqueue_webhook_event('purchase.' || new.status, new.user_id, jsonb_build_object(
      'sessionId', new.session_id,
      'status', new.status,
      'credits', new.credits,
      'amountMinor', new.amount_minor,
      'currency', new.currency));
  end if;
  return null;
end
$$;

create or replace trigger credit_purchases_announce
after insert or update of status on credit_purchases
for each row execute function announce_purchase_status();
