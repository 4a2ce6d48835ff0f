-- Stripe events: the audit trail (schema/0004_stripe_events.sql) and the one-transaction webhook.
-- Recording the event, applying it and marking it processed happen in a single call, so a webhook
-- costs one round trip and one commit, and an event is marked processed exactly when its effect is
-- committed. A failed apply rolls back all of it; the route then records the failure separately
-- (record_stripe_event + finish_stripe_event) for the audit trail.
--
-- An event is one jsonb object {id, type, created (Unix seconds), livemode, payload?}: payload is
-- the event's JSON as Stripe sent it (or a marker when it is too large), kept for the admins' log. Every apply_*_event
-- returns what the TypeScript `EventHandling` union says (server/billing/handleStripeEvent.ts):
-- {kind: 'duplicate'} or {kind: 'ignored' | 'settled' | 'flagged' | 'payment_recorded',
-- description, purchase?}, where description is exactly the outcome recorded for the event.

-- The forms of the shipped 0007, replaced by the jsonb event and is_duplicate_delivery.
drop function if exists apply_checkout_event(text, text, bigint, boolean, text, text, bigint, text, text, jsonb, text, text, bigint);
drop function if exists apply_payment_event(text, text, bigint, boolean, text, bigint, text, text);
drop function if exists apply_ignored_event(text, text, bigint, boolean, text);
drop function if exists complete_stripe_event(text, text, bigint, boolean, text);
drop function if exists stripe_event_processed(text);
drop function if exists count_stripe_event_delivery(text);
-- The forms before the event log (schema/0022): without the payload, the outcome word and the purchase.
drop function if exists record_stripe_event(text, text, bigint, boolean);
drop function if exists finish_stripe_event(text, text, text);
drop function if exists complete_stripe_event(jsonb, text);

-- Records a delivery of an event whose processing failed or was refused (payload: the event's JSON,
-- kept the first time); returns {processed: true} when the event was already processed.
create or replace function record_stripe_event(
  p_id text, p_type text, p_created bigint, p_livemode boolean default false, p_payload jsonb default null
) returns jsonb
language plpgsql as $$
declare
  v_event stripe_events;
begin
  insert into stripe_events (id, type, created_at_stripe, livemode, payload)
  values (p_id, p_type, to_timestamp(p_created), coalesce(p_livemode, false), p_payload)
  on conflict (id) do update set deliveries = stripe_events.deliveries + 1,
    payload = coalesce(stripe_events.payload, excluded.payload)
  returning * into v_event;
  return jsonb_build_object('id', v_event.id, 'deliveries', v_event.deliveries, 'processed', v_event.processed_at is not null);
end
$$;

-- Finishes a delivery recorded by record_stripe_event: with an error, it failed and stays unprocessed
-- for Stripe's retry (kind 'failed'); without, it is processed with p_kind ('refused' for an event
-- whose content is refused; 'processed' when absent).
create or replace function finish_stripe_event(p_id text, p_outcome text, p_error text default null, p_kind text default null) returns jsonb
language sql as $$
  update stripe_events set
    processed_at = case when p_error is null then now() else processed_at end,
    outcome = left(p_outcome, 500),
    outcome_kind = case when p_error is not null then 'failed' else coalesce(p_kind, 'processed') end,
    last_error = left(p_error, 1000)
  where id = p_id
  returning jsonb_build_object('id', id, 'outcome', outcome, 'processed', processed_at is not null)
$$;

-- Event already processed? Then this delivery is counted and the caller answers duplicate. An event
-- not processed yet is not written here: its row is written once, by complete_stripe_event.
create or replace function is_duplicate_delivery(p_event jsonb) returns boolean
language plpgsql as $$
begin
  update stripe_events set deliveries = deliveries + 1 where id = p_event->>'id' and processed_at is not null;
  return found;
end
$$;

-- Records a delivery as processed with its outcome, its kind (processed, ignored or flagged) and the
-- purchase it concerned (purchase_json, or null). A concurrent duplicate that got here first only
-- has its delivery counted; a delivery that failed before is overwritten by this success. Returns
-- the outcome as recorded.
create or replace function complete_stripe_event(p_event jsonb, p_outcome text, p_kind text, p_purchase jsonb default null) returns text
language plpgsql as $$
begin
  insert into stripe_events (id, type, created_at_stripe, livemode, processed_at, outcome, outcome_kind,
                             purchase_session_id, user_id, payload)
  values (p_event->>'id', p_event->>'type', to_timestamp((p_event->>'created')::bigint),
          coalesce((p_event->>'livemode')::boolean, false), now(), left(p_outcome, 500), p_kind,
          p_purchase->>'sessionId', p_purchase->>'userId', p_event->'payload')
  on conflict (id) do update set
    deliveries = stripe_events.deliveries + 1,
    processed_at = coalesce(stripe_events.processed_at, excluded.processed_at),
    outcome = case when stripe_events.processed_at is null then excluded.outcome else stripe_events.outcome end,
    outcome_kind = case when stripe_events.processed_at is null then excluded.outcome_kind else stripe_events.outcome_kind end,
    purchase_session_id = coalesce(stripe_events.purchase_session_id, excluded.purchase_session_id),
    user_id = coalesce(stripe_events.user_id, excluded.user_id),
    payload = coalesce(stripe_events.payload, excluded.payload),
    last_error = case when stripe_events.processed_at is null then null else stripe_events.last_error end;
  return left(p_outcome, 500);
end
$$;

-- A checkout.session.* event: settle_checkout_session's settlement, plus the event.
-- A settlement's result (settle_checkout_session's shape: kind, description, purchase) recorded as
-- the event's outcome: flagged when the purchase was flagged, else processed; the description gets
-- p_description_prefix. Shared by the checkout and auto top-up events.
create or replace function complete_settlement_event(p_event jsonb, p_result jsonb, p_description_prefix text default '')
returns jsonb
language plpgsql as $$
begin
  return p_result || jsonb_build_object('description', complete_stripe_event(p_event, p_description_prefix || (p_result->>'description'),
    case when p_result->>'kind' = 'flagged' then 'flagged' else 'processed' end, p_result->'purchase'));
end
$$;

create or replace function apply_checkout_event(p_event jsonb, p_settlement jsonb) returns jsonb
language plpgsql as $$
begin
  if is_duplicate_delivery(p_event) then
    return jsonb_build_object('kind', 'duplicate');
  end if;
  return complete_settlement_event(p_event, settle_checkout_session(p_settlement));
end
$$;

-- What a refund or dispute event did, in words: "<refund total N | dispute STATUS>: ...".
create or replace function payment_event_description(
  p_purchase jsonb, p_amount_refunded_minor bigint, p_dispute_id text, p_dispute_status text
) returns text
language sql immutable as $$
  select case when p_dispute_id is not null then format('dispute %s', p_dispute_status)
              else format('refund total %s', coalesce(p_amount_refunded_minor::text, 'null')) end
    || case when p_purchase is null then ': recorded for a payment not (yet) known'
            else format(': %s credits clawed back', p_purchase->>'creditsClawedBack') end
$$;

-- A charge.refunded or charge.dispute.* event: record_payment_state's arguments, plus the event.
-- The purchase is null while the payment is not linked to one yet.
create or replace function apply_payment_event(
  p_event jsonb,
  p_payment_intent_id text,
  p_amount_refunded_minor bigint default null,
  p_dispute_id text default null,
  p_dispute_status text default null
) returns jsonb
language plpgsql as $$
declare
  v_purchase jsonb;
  v_description text;
begin
  if is_duplicate_delivery(p_event) then
    return jsonb_build_object('kind', 'duplicate');
  end if;
  v_purchase := record_payment_state(p_payment_intent_id, p_amount_refunded_minor, p_dispute_id, p_dispute_status);
  v_description := complete_stripe_event(p_event,
    payment_event_description(v_purchase, p_amount_refunded_minor, p_dispute_id, p_dispute_status), 'processed', v_purchase);
  return jsonb_build_object('kind', 'payment_recorded', 'description', v_description, 'purchase', v_purchase);
end
$$;

-- Any other event: recorded and marked processed with why it was ignored (p_outcome).
create or replace function apply_ignored_event(p_event jsonb, p_outcome text) returns jsonb
language plpgsql as $$
begin
  if is_duplicate_delivery(p_event) then
    return jsonb_build_object('kind', 'duplicate');
  end if;
  return jsonb_build_object('kind', 'ignored', 'description', complete_stripe_event(p_event, p_outcome, 'ignored'));
end
$$;
