-- One webhook, one transaction. Recording the event, applying it and marking it processed happen in
-- a single call, so a webhook costs one round trip and one commit (three commits before), and an
-- event is marked processed exactly when its effect is committed. A failed apply rolls back all of
-- it; the route then records the failure separately for the audit trail.

-- True when the event was already processed. A read only: the event's row is written once, at the
-- end, by complete_stripe_event (one row version per delivery instead of two).
create function stripe_event_processed(p_id text) returns boolean
language plpgsql stable as $$
begin
  return exists (select 1 from stripe_events where id = p_id and processed_at is not null);
end
$$;

-- Records a delivery as processed with its outcome (a concurrent duplicate that got here first
-- only has its delivery counted).
create function complete_stripe_event(p_id text, p_type text, p_created bigint, p_livemode boolean, p_outcome text)
returns void
language plpgsql as $$
begin
  insert into stripe_events (id, type, created_at_stripe, livemode, processed_at, outcome)
  values (p_id, p_type, to_timestamp(p_created), coalesce(p_livemode, false), now(), left(p_outcome, 500))
  on conflict (id) do update set
    deliveries = stripe_events.deliveries + 1,
    processed_at = coalesce(stripe_events.processed_at, excluded.processed_at),
    outcome = coalesce(stripe_events.outcome, excluded.outcome),
    last_error = null;
end
$$;

-- A redelivery of a processed event: only its delivery is counted.
create function count_stripe_event_delivery(p_id text) returns void
language plpgsql as $$
begin
  update stripe_events set deliveries = deliveries + 1 where id = p_id;
end
$$;

-- A checkout.session.* event: settle_checkout_session's arguments, plus the event.
-- Returns {duplicate: true} or {duplicate: false, purchase}.
create function apply_checkout_event(
  p_event_id text,
  p_event_type text,
  p_event_created bigint,
  p_livemode boolean,
  p_session_id text,
  p_outcome text,
  p_amount_paid_minor bigint default null,
  p_currency text default null,
  p_payment_intent_id text default null,
  p_legacy jsonb default null,
  p_flag_reason text default null,
  p_metadata_user_id text default null,
  p_metadata_credits bigint default null
) returns jsonb
language plpgsql as $$
declare
  v_purchase jsonb;
begin
  if stripe_event_processed(p_event_id) then
    perform count_stripe_event_delivery(p_event_id);
    return jsonb_build_object('duplicate', true);
  end if;
  v_purchase := settle_checkout_session(
    p_session_id, p_outcome, p_amount_paid_minor, p_currency, p_payment_intent_id, p_legacy, p_flag_reason,
    p_metadata_user_id, p_metadata_credits);
  perform complete_stripe_event(p_event_id, p_event_type, p_event_created, p_livemode, case
    when v_purchase->>'flagReason' is not null then 'flagged: ' || (v_purchase->>'flagReason')
    else format('purchase %s, %s credits granted', v_purchase->>'status', v_purchase->>'creditsGranted') end);
  return jsonb_build_object('duplicate', false, 'purchase', v_purchase);
end
$$;

-- A charge.refunded or charge.dispute.* event: record_payment_state's arguments, plus the event.
-- Returns {duplicate: true} or {duplicate: false, purchase (null when not linked yet)}.
create function apply_payment_event(
  p_event_id text,
  p_event_type text,
  p_event_created bigint,
  p_livemode boolean,
  p_payment_intent_id text,
  p_amount_refunded_minor bigint default null,
  p_dispute_id text default null,
  p_dispute_status text default null
) returns jsonb
language plpgsql as $$
declare
  v_purchase jsonb;
begin
  if stripe_event_processed(p_event_id) then
    perform count_stripe_event_delivery(p_event_id);
    return jsonb_build_object('duplicate', true);
  end if;
  v_purchase := record_payment_state(p_payment_intent_id, p_amount_refunded_minor, p_dispute_id, p_dispute_status);
  perform complete_stripe_event(p_event_id, p_event_type, p_event_created, p_livemode, case
    when v_purchase is null then 'recorded for a payment not (yet) known'
    else format('purchase %s, %s credits clawed back', v_purchase->>'status', v_purchase->>'creditsClawedBack') end);
  return jsonb_build_object('duplicate', false, 'purchase', v_purchase);
end
$$;

-- Any other event: recorded and marked processed with why it was ignored.
create function apply_ignored_event(
  p_event_id text,
  p_event_type text,
  p_event_created bigint,
  p_livemode boolean,
  p_outcome text
) returns jsonb
language plpgsql as $$
begin
  if stripe_event_processed(p_event_id) then
    perform count_stripe_event_delivery(p_event_id);
    return jsonb_build_object('duplicate', true);
  end if;
  perform complete_stripe_event(p_event_id, p_event_type, p_event_created, p_livemode, p_outcome);
  return jsonb_build_object('duplicate', false);
end
$$;
