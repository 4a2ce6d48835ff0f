-- The outbound-webhook outbox (docs/webhooks.md; tables in schema/0017_webhook_outbox.sql). Events
-- are written by triggers in the transaction of the change that caused them: a credit movement
-- (AFTER INSERT on credit_ledger: its credits.* event), a change of available credits (at commit
-- of a movement or of a hold's start or end: balance.low / balance.depleted), a purchase that
-- becomes pending or failed (credit_purchases). Each event gets one delivery per
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

-- The user's credits and available credits at this instant, as User.credits and
-- User.availableCredits say them: the balance less credits past their expiry (swept or not), and
-- that less the active holds, never below zero. No row for an unknown user.
create or replace function alert_credits(p_user_id text, out credits bigint, out available bigint)
returns setof record
language plpgsql volatile as $$
declare
  v_now timestamptz := ledger_now();
  v_balance bigint;
begin
  select u.credits into v_balance from users u where u.id = p_user_id;
  if not found then
    return;
  end if;
  credits := v_balance - expired_unswept_credits(p_user_id, v_now);
  available := greatest(0, credits - held_credits(p_user_id, v_now));
  return next;
end
$$;

-- The previous form, which took the balance before and after one movement.
drop function if exists announce_balance_alerts(text, bigint, bigint, bigint);

-- balance.low once per fall of available credits from at-or-above the threshold to below it
-- (armed again at or above), balance.depleted once per fall to 0 or less (armed again above 0).
-- A movement's judgement runs at commit (a deferred trigger), so it judges what the whole
-- transaction did: a capture (the hold ends, then its spend) or a batch is one change, not a rise
-- and a fall. Every judgement holds the user's row lock (movements and reserves already do; a
-- release or the sweep's expiry of a hold takes it here) and reads what committed before it, so
-- concurrent spends, holds, releases and expiries cross one at a time and each crossing is
-- announced once. A row lock, not an advisory lock: a batch of 1,000 users would take 1,000 slots
-- of PostgreSQL's shared lock table.
-- Without a state row yet, an alarm is armed when the available credits before this change
-- (now less p_change) were at or above its line. p_entry_id / p_hold_id name what changed.
create or replace function announce_balance_alerts(p_user_id text, p_change bigint, p_entry_id bigint, p_hold_id bigint)
returns void
language plpgsql as $$
declare
  v_state balance_alert_states;
  v_credits bigint;
  v_available bigint;
  v_threshold bigint;
  v_low_armed boolean;
  v_depleted_armed boolean;
begin
  -- Already held by this transaction in every path but a hold's release or expiry.
  perform 1 from users where id = p_user_id for update;
  select c.credits, c.available into v_credits, v_available from alert_credits(p_user_id) c;
  if v_credits is null then
    return;
  end if;
  select * into v_state from balance_alert_states where user_id = p_user_id;
  v_threshold := coalesce(v_state.low_balance_credits, (select w.low_balance_credits from webhook_settings w));
  v_low_armed := coalesce(v_state.low_armed, v_available - p_change >= v_threshold);
  v_depleted_armed := coalesce(v_state.depleted_armed, v_available - p_change > 0);
  if v_available < v_threshold and v_low_armed then
    perform enqueue_webhook_event('balance.low', p_user_id, jsonb_strip_nulls(jsonb_build_object(
      'balance', v_credits, 'availableCredits', v_available, 'thresholdCredits', v_threshold,
      'entryId', p_entry_id::text, 'holdId', p_hold_id::text)));
  end if;
  if v_available <= 0 and v_depleted_armed then
    perform enqueue_webhook_event('balance.depleted', p_user_id, jsonb_strip_nulls(jsonb_build_object(
      'balance', v_credits, 'availableCredits', v_available, 'entryId', p_entry_id::text, 'holdId', p_hold_id::text)));
  end if;
  v_low_armed := v_available >= v_threshold;
  v_depleted_armed := v_available > 0;
  if v_state.user_id is null or v_state.low_armed is distinct from v_low_armed or v_state.depleted_armed is distinct from v_depleted_armed then
    insert into balance_alert_states (user_id, low_armed, depleted_armed) values (p_user_id, v_low_armed, v_depleted_armed)
    on conflict (user_id) do update set low_armed = excluded.low_armed, depleted_armed = excluded.depleted_armed, updated_at = now();
  end if;
end
$$;

-- AFTER INSERT on credit_ledger, once per statement over its new rows: every movement is announced
-- in its own transaction, and a statement that writes many (a batch of spends) writes their credits.*
-- events and deliveries in one set-based statement instead of a trigger call per row, in entry
-- order. The balance alerts are judged at commit (check_balance_alerts_of_movement, below).
create or replace function announce_credit_movements() returns trigger
language plpgsql as $$
begin
  with enqueued as (
    insert into webhook_events (type, user_id, payload)
    select e.type, e.user_id, jsonb_build_object('type', e.type, 'timestamp', iso_time(clock_timestamp()),
      'data', jsonb_build_object('userId', e.user_id) || e.data)
    from (
      select n.id, webhook_event_type_of_kind(n.kind) as type, n.user_id, jsonb_strip_nulls(jsonb_build_object(
        'entryId', n.id::text, 'delta', n.delta, 'balanceAfter', n.balance_after, 'kind', n.kind, 'reason', n.reason,
        'sessionId', n.purchase_session_id, 'createdAt', iso_time(n.created_at))) as data
      from new_rows n
    ) e
    order by e.id
    returning id, type
  )
  insert into webhook_deliveries (event_id, endpoint_id)
  select q.id, p.id from enqueued q
  join webhook_endpoints p on p.enabled and (cardinality(p.event_types) = 0 or q.type = any (p.event_types))
  order by q.id;
  return null;
end
$$;

create or replace trigger credit_ledger_announce
after insert on credit_ledger
referencing new table as new_rows
for each statement execute function announce_credit_movements();

-- The row-level form this replaced.
drop function if exists announce_credit_movement();

-- At commit of a movement (a spend, a grant, an EXPIRY entry, a capture's spend): the alerts.
create or replace function check_balance_alerts_of_movement() returns trigger
language plpgsql as $$
begin
  perform announce_balance_alerts(new.user_id, new.delta, new.id, null);
  return null;
end
$$;

-- A hold's start (reserve, at commit) or its end by release or expiry (at once, under the user's row
-- lock taken then: nothing else in such a transaction lowers available credits). A capture's end
-- is judged with its spend's entry (check_balance_alerts_of_movement), as one change.
create or replace function check_balance_alerts_of_hold() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' and new.status = 'active' then
    perform announce_balance_alerts(new.user_id, -new.amount, null, new.id);
  elsif tg_op = 'UPDATE' and old.status = 'active' and new.status in ('released', 'expired') then
    perform announce_balance_alerts(new.user_id, new.amount, null, new.id);
  end if;
  return null;
end
$$;

-- Constraint triggers, deferred: they run at commit, after every change of the transaction. (No
-- "or replace" for constraint triggers: dropped and created again whenever this file changes.) A
-- hold's release or expiry only raises available credits (it can only re-arm): judged at once.
drop trigger if exists credit_ledger_balance_alerts on credit_ledger;
create constraint trigger credit_ledger_balance_alerts
after insert on credit_ledger
deferrable initially deferred
for each row execute function check_balance_alerts_of_movement();

drop trigger if exists credit_holds_balance_alerts on credit_holds;
create constraint trigger credit_holds_balance_alerts
after insert on credit_holds
deferrable initially deferred
for each row execute function check_balance_alerts_of_hold();

create or replace trigger credit_holds_ended_balance_alerts
after update of status on credit_holds
for each row execute function check_balance_alerts_of_hold();

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
