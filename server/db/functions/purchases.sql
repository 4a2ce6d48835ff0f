-- Purchases: recording a checkout session, settling it in named steps, the clawbacks that refunds
-- and disputes imply, and the reads. The tables are schema/0003_credit_purchases.sql.
--
-- A settlement is what Stripe says about a checkout session, as one jsonb object with the keys of
-- the TypeScript `Settlement` (server/billing/purchaseRecords.ts):
--   sessionId, outcome ('paid' | 'pending' | 'failed' | 'expired'), amountPaidMinor, currency,
--   paymentIntentId, legacy ({userId, credits, amountMinor}: records a session the database has
--   never seen), flagReason (flags instead of granting), metadataUserId and metadataCredits (the
--   session's metadata: a recorded purchase whose metadata says otherwise is flagged, not granted),
--   presentment ({amountMinor, currency, fxRate} or null: the session was paid in another currency
--   through Stripe Adaptive Pricing; amountPaidMinor and currency are then its currency_conversion's
--   source amounts, in the recorded currency, and this is what the customer was charged).

-- list_purchases before its status filter (schema/0022).
drop function if exists list_purchases(text, boolean, text, integer);

-- The nine-argument form of the shipped 0003 and 0007 is replaced by the jsonb settlement.
drop function if exists settle_checkout_session(text, text, bigint, text, text, jsonb, text, text, bigint);

create or replace function purchase_json(p credit_purchases) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'sessionId', p.session_id,
    'userId', p.user_id,
    'status', p.status,
    'credits', p.credits,
    'amountMinor', p.amount_minor,
    'currency', p.currency,
    'paymentIntentId', p.payment_intent_id,
    'amountPaidMinor', p.amount_paid_minor,
    'creditsGranted', p.credits_granted,
    'amountRefundedMinor', p.amount_refunded_minor,
    'creditsClawedBack', p.credits_clawed_back,
    'disputeStatus', p.dispute_status,
    'flagReason', p.flag_reason,
    'presentmentAmountMinor', p.presentment_amount_minor,
    'presentmentCurrency', p.presentment_currency,
    'fxRate', p.presentment_fx_rate::text,
    'receiptUrl', p.receipt_url,
    'createdAt', iso_time(p.created_at),
    'paidAt', iso_time(p.paid_at),
    'updatedAt', iso_time(p.updated_at)
  )
$$;

-- Records a checkout session the server just created. Same session and same data: the original row.
create or replace function record_checkout_session(
  p_session_id text,
  p_user_id text,
  p_credits bigint,
  p_amount_minor bigint,
  p_currency text
) returns jsonb
language plpgsql as $$
declare
  v_purchase credit_purchases;
begin
  if p_credits is null or p_credits <= 0 or p_amount_minor is null or p_amount_minor < 0 then
    raise exception using errcode = 'TU400', message = 'a purchase needs positive credits and a non-negative amount';
  end if;
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency)
  values (p_session_id, p_user_id, p_credits, p_amount_minor, lower(p_currency))
  on conflict (session_id) do nothing
  returning * into v_purchase;
  if not found then
    select * into v_purchase from credit_purchases where session_id = p_session_id;
    if v_purchase.user_id <> p_user_id or v_purchase.credits <> p_credits or v_purchase.amount_minor <> p_amount_minor then
      raise exception using errcode = 'TU409', message = format('checkout session %s is already recorded with other data', p_session_id);
    end if;
  end if;
  return purchase_json(v_purchase);
end
$$;

-- The advisory lock that orders everything done to one payment (settling it, refunds, disputes).
create or replace function payment_lock_key(p_payment_intent_id text) returns bigint
language sql immutable parallel safe as $$
  select hashtextextended('topup:payment:' || p_payment_intent_id, 0)
$$;

-- Every status of Stripe's Dispute.Status (stripe-node's types) and what it does to the credits:
--   open, credits clawed back: needs_response, under_review; warning_needs_response,
--     warning_under_review (an inquiry, no chargeback yet); appeal_needs_response,
--     appeal_under_review (a lost dispute appealed: the funds stay withdrawn until it is won);
--   closed, credits clawed back: lost;
--   closed in the merchant's favour, credits restored: won, warning_closed (the inquiry ended
--     without a chargeback), prevented (no chargeback; if it came with a refund, charge.refunded
--     claws that back like any refund).
-- A status Stripe adds later counts as open: it claws back until a known closing status arrives.
create or replace function dispute_restores_credits(p_status text) returns boolean
language sql immutable parallel safe as $$
  select coalesce(p_status in ('won', 'warning_closed', 'prevented'), false)
$$;

-- Order of dispute statuses, so that events in any order end at the last one: open, then lost, then
-- an appeal of the loss, then a close in the merchant's favour (won directly or on appeal). A late
-- charge.dispute.created (or updated) cannot reopen a dispute that is closed; a loss on appeal keeps
-- the appeal's status (credits clawed back either way).
create or replace function dispute_status_rank(p_status text) returns integer
language sql immutable as $$
  select case
    when p_status is null then 0
    when dispute_restores_credits(p_status) then 4
    when p_status like 'appeal\_%' then 3
    when p_status = 'lost' then 2
    else 1
  end
$$;

-- The credits a purchase should have clawed back, from the cumulative amount refunded and the dispute
-- status: refunds in proportion to the amount refunded, rounded up (a full refund takes back exactly
-- what was granted); a dispute that does not restore credits (open or lost) everything granted.
create or replace function clawback_target(
  p_credits_granted bigint, p_paid_minor bigint, p_refunded_minor bigint, p_dispute_status text
) returns bigint
language sql immutable parallel safe as $$
  select case
    when p_credits_granted = 0 then 0
    when p_dispute_status is not null and not dispute_restores_credits(p_dispute_status) then p_credits_granted
    when p_paid_minor <= 0 then 0
    else least(p_credits_granted, ceil(p_credits_granted::numeric * p_refunded_minor / p_paid_minor)::bigint)
  end
$$;

-- The form before dispute statuses other than won and lost were named in the restoring line.
drop function if exists write_clawback_movement(credit_purchases, bigint, boolean, boolean, bigint, text);

-- One ledger row for a change of a purchase's clawback target: a positive change takes credits back
-- (a refund's share, or a dispute's share beyond the refunds), a negative one gives back (a dispute
-- closed in the merchant's favour). p_dispute_share: the change comes from a dispute, not from
-- refunds. p_refund_minor: this refund's amount (refunded since the last refund line), shown in the
-- currency's own decimals.
create or replace function write_clawback_movement(
  p_purchase credit_purchases,
  p_change bigint,
  p_disputed boolean,
  p_dispute_share boolean,
  p_refund_minor bigint,
  p_dispute_id text,
  p_dispute_status text
) returns void
language plpgsql as $$
begin
  perform apply_credit_movement(
    p_purchase.user_id,
    -p_change,
    case when p_change < 0 then 'dispute_won' when p_dispute_share then 'dispute' else 'refund' end,
    case
      when p_change < 0 and p_dispute_status = 'won' then format('Dispute won: %s credits restored', -p_change)
      when p_change < 0 then format('Dispute closed (%s): %s credits restored', coalesce(p_dispute_status, 'none'), -p_change)
      when p_dispute_share then format('Payment disputed: %s credits taken back', p_change)
      else format('Refund of %s: %s credits taken back',
        format_money(p_refund_minor, coalesce(p_purchase.presentment_currency, p_purchase.currency)), p_change)
    end,
    'stripe',
    format('clawback:%s:%s', p_purchase.session_id, p_purchase.clawback_movements + 1),
    case when p_disputed or p_change < 0 then 'dispute' else 'refund' end,
    case when p_disputed or p_change < 0 then p_dispute_id else p_purchase.payment_intent_id end,
    p_purchase.session_id,
    true,
    'system'
  );
end
$$;

-- Moves credits_clawed_back to what the refund and dispute targets imply (clawback_target), with one
-- ledger row per change. A dispute closed in the merchant's favour gives back what the refunds do not
-- cover.
create or replace function sync_purchase_clawback(p_session_id text) returns credit_purchases
language plpgsql as $$
declare
  v_purchase credit_purchases;
  v_refunded bigint;
  v_dispute_id text;
  v_dispute_status text;
  v_paid bigint;
  v_refund_target bigint;
  v_disputed boolean;
  v_target bigint;
  v_change bigint;
begin
  select * into v_purchase from credit_purchases where session_id = p_session_id for update;
  select s.amount_refunded_minor, s.dispute_id, s.dispute_status into v_refunded, v_dispute_id, v_dispute_status
    from stripe_payment_states s where s.payment_intent_id = v_purchase.payment_intent_id;
  v_refunded := greatest(coalesce(v_refunded, 0), v_purchase.amount_refunded_minor);
  v_dispute_status := coalesce(v_dispute_status, v_purchase.dispute_status);
  -- Stripe reports refunds in the currency charged: the presentment one when it was converted.
  v_paid := coalesce(v_purchase.presentment_amount_minor, v_purchase.amount_paid_minor, v_purchase.amount_minor);
  v_disputed := v_dispute_status is not null and not dispute_restores_credits(v_dispute_status);

  if v_purchase.credits_granted = 0 then
    update credit_purchases
      set amount_refunded_minor = v_refunded, dispute_status = v_dispute_status, updated_at = now()
      where session_id = p_session_id
      returning * into v_purchase;
    return v_purchase;
  end if;

  v_refund_target := clawback_target(v_purchase.credits_granted, v_paid, v_refunded, null);
  v_target := clawback_target(v_purchase.credits_granted, v_paid, v_refunded, v_dispute_status);
  v_change := v_target - v_purchase.credits_clawed_back;
  if v_change <> 0 then
    perform write_clawback_movement(v_purchase, v_change, v_disputed, v_disputed and v_refund_target < v_target,
      v_refunded - v_purchase.amount_refunded_in_lines_minor, v_dispute_id, v_dispute_status);
  end if;

  update credit_purchases set
    credits_clawed_back = v_target,
    clawback_movements = clawback_movements + (v_change <> 0)::integer,
    -- A refund line was written: the refunds up to now are shown.
    amount_refunded_in_lines_minor = case when v_change > 0 and not (v_disputed and v_refund_target < v_target)
      then v_refunded else amount_refunded_in_lines_minor end,
    amount_refunded_minor = v_refunded,
    dispute_status = v_dispute_status,
    status = case
      when v_disputed then 'disputed'
      when v_refunded >= v_paid and v_refunded > 0 then 'refunded'
      when v_refunded > 0 then 'partially_refunded'
      else 'paid'
    end,
    updated_at = now()
  where session_id = p_session_id
  returning * into v_purchase;
  return v_purchase;
end
$$;

-- Settlement step 1: a session the database has never seen (created by the app this replaces) is
-- recorded from the settlement's legacy record. Without sane credits it is flagged from the start.
create or replace function record_legacy_session(p_settlement jsonb) returns void
language plpgsql as $$
declare
  v_legacy jsonb := p_settlement->'legacy';
begin
  insert into users (id) values (v_legacy->>'userId') on conflict (id) do nothing;
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency, legacy, flag_reason)
  values (p_settlement->>'sessionId', v_legacy->>'userId', (v_legacy->>'credits')::bigint, (v_legacy->>'amountMinor')::bigint,
          lower(coalesce(p_settlement->>'currency', v_legacy->>'currency')), true,
          case when (v_legacy->>'credits')::bigint > 0 then null
               else left(coalesce(p_settlement->>'flagReason', 'legacy session without a sane amount of credits'), 500) end)
  on conflict (session_id) do nothing;
end
$$;

-- Settlement step 2: links the payment intent to the (locked) purchase. A payment intent belongs to
-- one session; one already linked elsewhere is not stolen (that would take its refunds and disputes
-- away from the purchase they belong to).
create or replace function payment_intent_linkable(p_purchase credit_purchases, p_payment_intent_id text) returns boolean
language plpgsql stable as $$
begin
  return p_payment_intent_id is not null and p_purchase.payment_intent_id is null
    and not exists (select 1 from credit_purchases where payment_intent_id = p_payment_intent_id);
end
$$;

-- The link written on its own: for a settlement that does not mark the purchase paid now (the paid
-- update writes the link itself, so a grant leaves one row version, not two).
create or replace function link_payment_intent(p_purchase credit_purchases, p_payment_intent_id text)
returns credit_purchases
language plpgsql as $$
declare
  v_purchase credit_purchases := p_purchase;
begin
  if payment_intent_linkable(p_purchase, p_payment_intent_id) then
    update credit_purchases set payment_intent_id = p_payment_intent_id where session_id = p_purchase.session_id
    returning * into v_purchase;
  end if;
  return v_purchase;
end
$$;

-- Settlement step 3: why a paid session must not be granted, or null. The amount and currency paid
-- must match what was recorded (a legacy session may have paid more, never less), and the session's
-- metadata must name the recorded user and credits.
create or replace function settlement_mismatch(p_purchase credit_purchases, p_settlement jsonb) returns text
language sql stable as $$
  select case
    when p_settlement->>'flagReason' is not null then p_settlement->>'flagReason'
    when p_settlement->>'metadataUserId' is not null and not p_purchase.legacy
      and (p_settlement->>'metadataUserId' <> p_purchase.user_id
           or (p_settlement->>'metadataCredits')::bigint is distinct from p_purchase.credits) then
      format('session metadata (user %s, credits %s) differs from the recorded purchase',
        p_settlement->>'metadataUserId', coalesce(p_settlement->>'metadataCredits', 'not a whole number'))
    when p_purchase.flag_reason is not null then p_purchase.flag_reason
    when p_settlement->>'amountPaidMinor' is null or p_settlement->>'currency' is null then 'the paid amount is unknown'
    when lower(p_settlement->>'currency') <> p_purchase.currency then
      format('paid in %s, expected %s', upper(p_settlement->>'currency'), upper(p_purchase.currency))
    when p_purchase.legacy and (p_settlement->>'amountPaidMinor')::bigint < p_purchase.amount_minor then
      format('paid %s, less than the %s that %s credits cost',
        (p_settlement->>'amountPaidMinor')::bigint, p_purchase.amount_minor, p_purchase.credits)
    when not p_purchase.legacy and (p_settlement->>'amountPaidMinor')::bigint <> p_purchase.amount_minor then
      format('paid %s, expected %s', (p_settlement->>'amountPaidMinor')::bigint, p_purchase.amount_minor)
  end
$$;

-- Settlement step 3b (paid): what the customer was charged when Stripe converted the session to
-- their currency (Adaptive Pricing), kept before the grant so that refunds that arrived first are
-- clawed back in proportion to the amount charged in that currency.
create or replace function record_presentment(p_purchase credit_purchases, p_settlement jsonb) returns credit_purchases
language plpgsql as $$
declare
  v_presentment jsonb := p_settlement->'presentment';
  v_purchase credit_purchases := p_purchase;
begin
  if jsonb_typeof(v_presentment) = 'object' and (v_presentment->>'amountMinor') ~ '^\d{1,15}$'
     and lower(v_presentment->>'currency') ~ '^[a-z]{3}$' then
    update credit_purchases set
      payment_intent_id = p_purchase.payment_intent_id,
      presentment_amount_minor = (v_presentment->>'amountMinor')::bigint,
      presentment_currency = lower(v_presentment->>'currency'),
      presentment_fx_rate = case when (v_presentment->>'fxRate') ~ '^\d{1,12}(\.\d{1,20})?$'
        then nullif((v_presentment->>'fxRate')::numeric, 0) end
    where session_id = p_purchase.session_id
    returning * into v_purchase;
  end if;
  return v_purchase;
end
$$;

-- Settlement step 4 (mismatch): paid, flagged for an admin, nothing granted.
create or replace function flag_paid_session(p_purchase credit_purchases, p_amount_paid_minor bigint, p_reason text)
returns credit_purchases
language plpgsql as $$
declare
  v_purchase credit_purchases;
begin
  update credit_purchases set status = 'paid', amount_paid_minor = p_amount_paid_minor, paid_at = now(),
    flag_reason = left(p_reason, 500), updated_at = now(), payment_intent_id = p_purchase.payment_intent_id
  where session_id = p_purchase.session_id
  returning * into v_purchase;
  return v_purchase;
end
$$;

-- Settlement step 4 (match): grants the credits once (keyed by the session), marks the purchase paid,
-- then applies refunds or disputes that arrived before the payment, in this same transaction. (The
-- common case has none: the sync's extra reads and writes are skipped then.)
create or replace function grant_paid_session(p_purchase credit_purchases, p_amount_paid_minor bigint)
returns credit_purchases
language plpgsql as $$
declare
  v_purchase credit_purchases;
begin
  perform apply_credit_movement(
    p_purchase.user_id, p_purchase.credits, 'purchase',
    format('Bought %s credits', p_purchase.credits), 'stripe',
    'purchase:' || p_purchase.session_id, 'checkout_session', p_purchase.session_id, p_purchase.session_id, false, 'system');
  update credit_purchases set status = 'paid', credits_granted = credits, amount_paid_minor = p_amount_paid_minor,
    paid_at = now(), updated_at = now(), payment_intent_id = p_purchase.payment_intent_id
  where session_id = p_purchase.session_id
  returning * into v_purchase;
  if exists (select 1 from stripe_payment_states where payment_intent_id = v_purchase.payment_intent_id) then
    v_purchase := sync_purchase_clawback(v_purchase.session_id);
  end if;
  return v_purchase;
end
$$;

-- Settlement step 5 (not paid): pending, failed and expired only move forward.
create or replace function move_session_status(p_purchase credit_purchases, p_outcome text) returns credit_purchases
language plpgsql as $$
declare
  v_status text := case
    when p_outcome = 'pending' and p_purchase.status = 'open' then 'pending'
    when p_outcome = 'failed' and p_purchase.status in ('open', 'pending') then 'failed'
    when p_outcome = 'expired' and p_purchase.status = 'open' then 'expired'
  end;
  v_purchase credit_purchases := p_purchase;
begin
  if v_status is not null then
    update credit_purchases set status = v_status, updated_at = now() where session_id = p_purchase.session_id
    returning * into v_purchase;
  end if;
  return v_purchase;
end
$$;

-- What a settlement did, in the shape of the TypeScript event outcome: kind 'flagged' or 'settled',
-- the description recorded for the event, and the purchase.
create or replace function settlement_result(p_purchase credit_purchases) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'kind', case when p_purchase.flag_reason is not null then 'flagged' else 'settled' end,
    'description', case when p_purchase.flag_reason is not null then 'flagged: ' || p_purchase.flag_reason
      else format('purchase %s, %s credits granted', p_purchase.status, p_purchase.credits_granted) end,
    'purchase', purchase_json(p_purchase))
$$;

-- Applies a settlement (see the top of this file). A paid session is granted exactly once, and only
-- when settlement_mismatch finds nothing; otherwise it is flagged and grants nothing. Settled as paid
-- before (granted or flagged): a repeat has no effect. Returns settlement_result.
-- Errors: TU400 (bad outcome or session id), TU404 (an unknown session without a legacy record).
create or replace function settle_checkout_session(p_settlement jsonb) returns jsonb
language plpgsql as $$
declare
  v_session_id text := p_settlement->>'sessionId';
  v_outcome text := p_settlement->>'outcome';
  v_payment_intent_id text := p_settlement->>'paymentIntentId';
  v_purchase credit_purchases;
  v_mismatch text;
begin
  if v_outcome is null or v_outcome not in ('paid', 'pending', 'failed', 'expired') then
    raise exception using errcode = 'TU400', message = 'outcome must be paid, pending, failed or expired';
  end if;
  -- The table's own bound, checked first so that a forged id is refused as input, not as a crash.
  if v_session_id is null or length(v_session_id) not between 1 and 255 then
    raise exception using errcode = 'TU400', message = 'a checkout session id must be 1 to 255 characters';
  end if;
  -- Serialize with record_payment_state on the same payment: otherwise a refund committed while
  -- this payment is being linked finds no purchase, and this settle does not see the refund yet:
  -- both commit and the refund is never clawed back (found by `npm run chaos`). Taken before the
  -- purchase's row lock, in the same order as record_payment_state, so they cannot deadlock.
  if v_payment_intent_id is not null then
    perform pg_advisory_xact_lock(payment_lock_key(v_payment_intent_id));
  end if;
  select * into v_purchase from credit_purchases where session_id = v_session_id for update;
  -- Only a session the database has never seen is recorded from its legacy record (every
  -- settlement carries one: trying the inserts each time cost a webhook two index probes).
  if not found and jsonb_typeof(p_settlement->'legacy') = 'object' then
    perform record_legacy_session(p_settlement);
    select * into v_purchase from credit_purchases where session_id = v_session_id for update;
  end if;
  if not found then
    raise exception using errcode = 'TU404', message = format('checkout session %s is not a known top-up', v_session_id);
  end if;
  if v_outcome <> 'paid' or v_purchase.paid_at is not null then
    v_purchase := link_payment_intent(v_purchase, v_payment_intent_id);
    if v_outcome <> 'paid' then
      v_purchase := move_session_status(v_purchase, v_outcome);
    end if;
  else
    -- Paid now: the link is written by the update that marks it paid (flag_paid_session or
    -- grant_paid_session, which write the payment intent of the purchase they are given).
    if payment_intent_linkable(v_purchase, v_payment_intent_id) then
      v_purchase.payment_intent_id := v_payment_intent_id;
    end if;
    v_purchase := record_presentment(v_purchase, p_settlement);
    v_mismatch := settlement_mismatch(v_purchase, p_settlement);
    if v_mismatch is not null then
      v_purchase := flag_paid_session(v_purchase, (p_settlement->>'amountPaidMinor')::bigint, v_mismatch);
    else
      v_purchase := grant_paid_session(v_purchase, (p_settlement->>'amountPaidMinor')::bigint);
    end if;
  end if;
  return settlement_result(v_purchase);
end
$$;

-- Records what Stripe says about a payment (cumulative refunds, dispute status) as targets that only
-- move forward, then syncs the purchase, if one is known for that payment intent yet. Returns the
-- purchase, or null when the payment is not (yet) linked to one.
create or replace function record_payment_state(
  p_payment_intent_id text,
  p_amount_refunded_minor bigint default null,
  p_dispute_id text default null,
  p_dispute_status text default null
) returns jsonb
language plpgsql as $$
declare
  v_session_id text;
begin
  if p_payment_intent_id is null or length(p_payment_intent_id) = 0 then
    raise exception using errcode = 'TU400', message = 'a payment intent id is required';
  end if;
  if p_amount_refunded_minor is not null and p_amount_refunded_minor < 0 then
    raise exception using errcode = 'TU400', message = 'amount refunded must not be negative';
  end if;
  perform pg_advisory_xact_lock(payment_lock_key(p_payment_intent_id));
  insert into stripe_payment_states (payment_intent_id, amount_refunded_minor, dispute_id, dispute_status)
  values (p_payment_intent_id, coalesce(p_amount_refunded_minor, 0), p_dispute_id, p_dispute_status)
  on conflict (payment_intent_id) do update set
    amount_refunded_minor = greatest(stripe_payment_states.amount_refunded_minor, excluded.amount_refunded_minor),
    dispute_id = coalesce(excluded.dispute_id, stripe_payment_states.dispute_id),
    dispute_status = case
      when dispute_status_rank(excluded.dispute_status) >= dispute_status_rank(stripe_payment_states.dispute_status)
        and excluded.dispute_status is not null then excluded.dispute_status
      else stripe_payment_states.dispute_status
    end,
    updated_at = now();
  select session_id into v_session_id from credit_purchases where payment_intent_id = p_payment_intent_id;
  if not found then
    return null;
  end if;
  return purchase_json(sync_purchase_clawback(v_session_id));
end
$$;

create or replace function find_purchase(p_session_id text) returns jsonb
language plpgsql stable as $$
declare
  v_result jsonb;
begin
  select purchase_json(p) into v_result from credit_purchases p where p.session_id = p_session_id;
  return v_result;
end
$$;

-- Several purchases in one call (a page of ledger entries shows each entry's purchase).
create or replace function find_purchases(p_session_ids text[]) returns jsonb
language plpgsql stable as $$
declare
  v_result jsonb;
begin
  select coalesce(jsonb_agg(purchase_json(p)), '[]'::jsonb) into v_result
  from credit_purchases p where p.session_id = any(p_session_ids);
  return v_result;
end
$$;

-- A page of purchases, newest first: one user's (p_user_id) or the flagged ones (p_flagged_only).
-- p_after is the raw cursor "<created_at microseconds>:<session id>" of the last row seen.
create or replace function list_purchases(
  p_user_id text default null,
  p_flagged_only boolean default false,
  p_statuses text[] default null,
  p_after text default null,
  p_limit integer default 20
) returns jsonb
language plpgsql stable as $$
declare
  v_after record;
  v_after_time timestamptz;
  v_rows jsonb;
begin
  perform assert_page_size(p_limit);
  select * into v_after from parse_keyset_cursor(p_after);
  v_after_time := from_epoch_microseconds(v_after.sort_value);
  select coalesce(jsonb_agg(jsonb_build_object(
      'node', purchase_json(p),
      'cursor', epoch_microseconds(p.created_at)::text || ':' || p.session_id
    ) order by p.created_at desc, p.session_id desc), '[]'::jsonb)
    into v_rows
  from (
    select * from credit_purchases p
    where (p_user_id is null or p.user_id = p_user_id)
      and (not p_flagged_only or p.flag_reason is not null)
      and (p_statuses is null or cardinality(p_statuses) = 0 or p.status = any(p_statuses))
      and (v_after_time is null or (p.created_at, p.session_id) < (v_after_time, v_after.key))
    order by p.created_at desc, p.session_id desc
    limit p_limit + 1
  ) p;
  return v_rows;
end
$$;

-- Stores Stripe's receipt page of a purchase's charge, once known (server/billing/findReceiptUrl.ts
-- fetches it when the owner lists payments). The first URL stored
-- stays. Returns the purchase.
-- Errors: TU404 (unknown session), TU400 (not an http(s) URL).
create or replace function record_receipt_url(p_session_id text, p_receipt_url text) returns jsonb
language plpgsql as $$
declare
  v_purchase credit_purchases;
begin
  if p_receipt_url is null or p_receipt_url !~ '^https?://' or length(p_receipt_url) > 2000 then
    raise exception using errcode = 'TU400', message = 'a receipt URL is an http(s) URL of at most 2000 characters';
  end if;
  update credit_purchases set receipt_url = coalesce(receipt_url, p_receipt_url)
  where session_id = p_session_id
  returning * into v_purchase;
  if not found then
    raise exception using errcode = 'TU404', message = 'no such checkout session';
  end if;
  return purchase_json(v_purchase);
end
$$;
