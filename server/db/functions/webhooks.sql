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

-- balance.low once per crossing from at-or-above the threshold to below it (armed again at or
-- above), balance.depleted when the balance reaches 0 or less from above. Runs under the user's
-- row lock (apply_credit_movement takes it), so concurrent movements of one user cross one at a
-- time and each crossing is seen once. A user without a state row is armed when the balance before
-- the movement was at or above the threshold. Based on the balance (holds are not subtracted).
create or replace function announce_balance_alerts(p_user_id text, p_before bigint, p_after bigint, p_entry_id bigint)
returns void
language plpgsql as $$
declare
  v_threshold bigint := low_balance_threshold(p_user_id);
  v_state balance_alert_states;
  v_armed boolean;
  v_now_armed boolean;
begin
  select * into v_state from balance_alert_states where user_id = p_user_id;
  v_armed := coalesce(v_state.low_armed, p_before >= v_threshold);
  v_now_armed := v_armed;
  if p_after < v_threshold and v_armed then
    perform enqueue_webhook_event('balance.low', p_user_id, jsonb_build_object(
      'balance', p_after, 'thresholdCredits', v_threshold, 'entryId', p_entry_id::text));
    v_now_armed := false;
  elsif p_after >= v_threshold then
    v_now_armed := true;
  end if;
  if p_after <= 0 and p_before > 0 then
    perform enqueue_webhook_event('balance.depleted', p_user_id, jsonb_build_object(
      'balance', p_after, 'entryId', p_entry_id::text));
  end if;
  if v_state.user_id is null or v_state.low_armed is distinct from v_now_armed then
    insert into balance_alert_states (user_id, low_armed) values (p_user_id, v_now_armed)
    on conflict (user_id) do update set low_armed = excluded.low_armed, updated_at = now();
  end if;
end
$$;

-- AFTER INSERT on credit_ledger: every movement is announced in its own transaction.
create or replace function announce_credit_movement() returns trigger
language plpgsql as $$
begin
  perform enqueue_webhook_event(webhook_event_type_of_kind(new.kind), new.user_id, jsonb_strip_nulls(jsonb_build_object(
    'entryId', new.id::text,
    'delta', new.delta,
    'balanceAfter', new.balance_after,
    'kind', new.kind,
    'reason', new.reason,
    'sessionId', new.purchase_session_id,
    'createdAt', iso_time(new.created_at))));
  perform announce_balance_alerts(new.user_id, new.balance_after - new.delta, new.balance_after, new.id);
  return null;
end
$$;

create or replace trigger credit_ledger_announce
after insert on credit_ledger
for each row execute function announce_credit_movement();

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
