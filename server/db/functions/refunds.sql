-- Refunds an admin asks for (server/billing/refundTopUp.ts), as reservations in refund_requests
-- (schema/0006_refund_requests.sql). The unspent check and the reservation happen in one short
-- transaction under the purchase's and the owner's row locks; Stripe is called after it commits, and
-- its answer is recorded by finish_refund_request. So no lock is held across a network call, and
-- concurrent refunds of one purchase (or of one user's purchases) can never together reserve more
-- than the credits left unspent.

-- A reservation still counts against the unspent credits while Stripe has not refused it and its
-- refund is not yet in the amount refunded that Stripe's events reported (then the clawback it
-- caused counts instead). A refund made elsewhere (the dashboard) at the same moment may make one
-- look reported a little early; the clawback of both still follows from charge.refunded.
create or replace function refund_request_outstanding(r refund_requests, p credit_purchases) returns boolean
language sql immutable as $$
  select r.status <> 'failed' and r.refunded_total_target_minor > p.amount_refunded_minor
$$;

create or replace function refund_request_json(r refund_requests, p credit_purchases, p_replay boolean) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'requestId', r.id::text,
    -- Derived from the reservation: a double-click finds the same reservation, so the same key.
    'idempotencyKey', format('topup-refund-%s-%s', r.session_id, r.id),
    'credits', r.credits,
    'amountMinor', r.amount_minor,
    'currency', coalesce(p.presentment_currency, p.currency),
    'paymentIntentId', p.payment_intent_id,
    'actor', r.actor,
    'status', r.status,
    'stripeRefundId', r.stripe_refund_id,
    'replay', p_replay,
    'purchase', purchase_json(p)
  )
$$;

-- The credits of a purchase refundable now: not clawed back and not reserved, and never more than
-- its owner's balance minus every outstanding reservation of that owner.
create or replace function unspent_refundable_credits(p credit_purchases, p_balance bigint) returns bigint
language sql stable as $$
  select greatest(0, least(
    p.credits_granted - p.credits_clawed_back - coalesce((
      select sum(r.credits) from refund_requests r
      where r.session_id = p.session_id and r.status <> 'failed' and refund_request_outstanding(r, p)), 0),
    p_balance - coalesce((
      select sum(r.credits) from refund_requests r join credit_purchases q on q.session_id = r.session_id
      where r.user_id = p.user_id and r.status <> 'failed' and refund_request_outstanding(r, q)), 0)))::bigint
$$;

-- The amount refunded so far or promised by an outstanding reservation, in the currency charged:
-- where the next refund's amount starts.
create or replace function refunded_target_minor(p credit_purchases) returns bigint
language sql stable as $$
  select greatest(p.amount_refunded_minor, coalesce(max(r.refunded_total_target_minor), 0))::bigint
  from refund_requests r where r.session_id = p.session_id and r.status <> 'failed' and refund_request_outstanding(r, p)
$$;

-- The money a refund of p_credits returns, in the currency charged (the presentment one when
-- Adaptive Pricing converted it, as Stripe refunds in it): the same share of what was paid, rounded
-- down; the last credits left (not clawed back, not reserved) take the exact remainder. The one rule
-- for both reserve_refund and the quote an admin sees before confirming (refund_quote).
create or replace function refund_amount_minor(p credit_purchases, p_credits bigint) returns bigint
language sql stable as $$
  select case
    when p.credits_granted = 0 then 0
    when p_credits = p.credits_granted - p.credits_clawed_back - coalesce(sum(r.credits), 0)
      then coalesce(p.presentment_amount_minor, p.amount_paid_minor, p.amount_minor) - refunded_target_minor(p)
    else floor(p_credits::numeric * coalesce(p.presentment_amount_minor, p.amount_paid_minor, p.amount_minor) / p.credits_granted)
  end::bigint
  from refund_requests r where r.session_id = p.session_id and r.status <> 'failed' and refund_request_outstanding(r, p)
$$;

-- What refunding p_credits (null: every refundable credit) of a purchase would return now, without
-- reserving anything: {credits, amountMinor, currency}, or null when the purchase is unknown or those
-- credits cannot be refunded (not paid and granted, out of range, worth less than one minor unit).
-- reserve_refund decides again under the locks; this is the figure shown before the admin confirms.
create or replace function refund_quote(p_session_id text, p_credits bigint) returns jsonb
language plpgsql stable as $$
declare
  v_purchase credit_purchases;
  v_unspent bigint;
  v_credits bigint;
  v_amount bigint;
begin
  select * into v_purchase from credit_purchases where session_id = p_session_id;
  if not found or v_purchase.credits_granted = 0 or v_purchase.payment_intent_id is null then
    return null;
  end if;
  v_unspent := unspent_refundable_credits(v_purchase, (select credits from users where id = v_purchase.user_id));
  v_credits := coalesce(p_credits, v_unspent);
  if v_credits < 1 or v_credits > v_unspent then
    return null;
  end if;
  v_amount := refund_amount_minor(v_purchase, v_credits);
  if v_amount <= 0 then
    return null;
  end if;
  return jsonb_build_object('credits', v_credits, 'amountMinor', v_amount,
    'currency', coalesce(v_purchase.presentment_currency, v_purchase.currency));
end
$$;

-- Reserves a refund of p_credits (null: every unspent credit) of a paid, granted purchase, and
-- returns refund_request_json. An outstanding reservation of the same credits is the same request (a
-- double-click, two admins at once): it is returned with replay true. The money is the same share of
-- what was paid, rounded down; the last credits left take the exact remainder.
-- Errors: TU404 (no such purchase), TU400 (not paid and granted, nothing unspent, credits out of
-- range with detail {unspent}, worth less than one minor unit).
create or replace function reserve_refund(p_session_id text, p_credits bigint, p_actor text) returns jsonb
language plpgsql as $$
declare
  v_purchase credit_purchases;
  v_request refund_requests;
  v_balance bigint;
  v_unspent bigint;
  v_credits bigint;
  v_base bigint;
  v_amount bigint;
begin
  select * into v_purchase from credit_purchases where session_id = p_session_id for update;
  if not found then
    raise exception using errcode = 'TU404', message = 'No top-up with this session id';
  end if;
  if v_purchase.credits_granted = 0 or v_purchase.payment_intent_id is null then
    raise exception using errcode = 'TU400', message = 'Only a paid, granted top-up can be refunded';
  end if;
  select credits into v_balance from users where id = v_purchase.user_id for update;
  select * into v_request from refund_requests r
    where r.session_id = p_session_id and r.credits = p_credits and r.status <> 'failed' and refund_request_outstanding(r, v_purchase)
    order by r.id desc limit 1;
  if found then
    return refund_request_json(v_request, v_purchase, true);
  end if;
  v_unspent := unspent_refundable_credits(v_purchase, v_balance);
  v_credits := coalesce(p_credits, v_unspent);
  if v_unspent = 0 then
    raise exception using errcode = 'TU400', message = 'Nothing left to refund: the credits were spent or already taken back';
  end if;
  if v_credits < 1 or v_credits > v_unspent then
    raise exception using errcode = 'TU400',
      message = format('credits must be a whole number from 1 to %s (unspent credits of this top-up)', v_unspent),
      detail = jsonb_build_object('unspent', v_unspent)::text;
  end if;
  v_base := refunded_target_minor(v_purchase);
  v_amount := refund_amount_minor(v_purchase, v_credits);
  if v_amount <= 0 then
    raise exception using errcode = 'TU400', message = 'That many credits are worth less than the smallest refundable amount';
  end if;
  insert into refund_requests (session_id, user_id, credits, amount_minor, refunded_total_target_minor, actor)
  values (p_session_id, v_purchase.user_id, v_credits, v_amount, v_base + v_amount, p_actor)
  returning * into v_request;
  return refund_request_json(v_request, v_purchase, false);
end
$$;

-- Stripe's answer to a reserved refund: its refund id (succeeded), or null when Stripe refused it
-- (failed: the credits are free again). Only a reservation still 'reserved' changes.
create or replace function finish_refund_request(p_request_id bigint, p_stripe_refund_id text) returns jsonb
language plpgsql as $$
declare
  v_request refund_requests;
  v_purchase credit_purchases;
begin
  update refund_requests set
    status = case when p_stripe_refund_id is null then 'failed' else 'succeeded' end,
    stripe_refund_id = p_stripe_refund_id,
    updated_at = now()
  where id = p_request_id and status = 'reserved'
  returning * into v_request;
  if not found then
    select * into v_request from refund_requests where id = p_request_id;
  end if;
  select * into v_purchase from credit_purchases where session_id = v_request.session_id;
  return refund_request_json(v_request, v_purchase, false);
end
$$;

-- Reservations whose Stripe outcome is still unknown after p_older_than_seconds (the admin's call
-- lost its answer and nobody retried), oldest first, for reconcile (server/billing/reconcileRefundRequests.ts):
-- each with its purchase's payment intent, its age, and the Stripe refunds other requests of the
-- purchase already account for (so one refund is never matched to two reservations).
create or replace function stale_refund_requests(p_older_than_seconds integer, p_limit integer) returns jsonb
language sql stable as $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'requestId', r.id::text, 'sessionId', r.session_id, 'paymentIntentId', p.payment_intent_id,
    'credits', r.credits, 'amountMinor', r.amount_minor, 'actor', r.actor,
    'ageSeconds', floor(extract(epoch from now() - r.created_at))::bigint,
    'linkedRefundIds', (select coalesce(jsonb_agg(o.stripe_refund_id), '[]'::jsonb) from refund_requests o
                        where o.session_id = r.session_id and o.stripe_refund_id is not null)
  ) order by r.id), '[]'::jsonb)
  from (
    select * from refund_requests
    where status = 'reserved' and created_at < now() - make_interval(secs => p_older_than_seconds)
    order by id limit p_limit
  ) r
  join credit_purchases p on p.session_id = r.session_id
$$;

-- Purchase.refundableCredits of several purchases at once (a page of payments: one call): for each,
-- the credits refundTopUp would accept now (unspent_refundable_credits with its owner's balance,
-- outstanding reservations counted), 0 for one never paid and granted. {sessionId: credits}.
create or replace function refundable_credits_of(p_session_ids text[]) returns jsonb
language sql stable as $$
  select coalesce(jsonb_object_agg(p.session_id,
    case when p.credits_granted = 0 or p.payment_intent_id is null then 0 else unspent_refundable_credits(p, u.credits) end), '{}'::jsonb)
  from credit_purchases p join users u on u.id = p.user_id
  where p.session_id = any(p_session_ids)
$$;
