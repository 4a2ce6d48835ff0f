-- One row per Stripe Checkout session for credits, and the Stripe-side state of each payment
-- (cumulative refunds, dispute status). Stripe delivers events in any order and any number of times,
-- so both tables store targets (how much is refunded in total, what the dispute's status is), and
-- sync_purchase_clawback moves the ledger towards what those targets imply.

create table credit_purchases (
  session_id text primary key check (length(session_id) between 1 and 255),
  user_id text not null references users (id),
  status text not null default 'open'
    check (status in ('open', 'paid', 'pending', 'failed', 'expired', 'refunded', 'partially_refunded', 'disputed')),
  -- 0 only for a flagged session whose metadata named no sane amount of credits.
  credits bigint not null check (credits >= 0 and credits <= 9007199254740991),
  amount_minor bigint not null check (amount_minor >= 0),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  payment_intent_id text unique,
  amount_paid_minor bigint check (amount_paid_minor >= 0),
  credits_granted bigint not null default 0 check (credits_granted in (0, credits)),
  amount_refunded_minor bigint not null default 0 check (amount_refunded_minor >= 0),
  credits_clawed_back bigint not null default 0 check (credits_clawed_back between 0 and credits_granted),
  clawback_movements integer not null default 0,
  dispute_status text,
  -- Set when the session paid but must not be granted (amount mismatch, bad metadata): an admin looks.
  flag_reason text check (flag_reason is null or length(flag_reason) <= 500),
  -- Created by the app this replaces: found only through its metadata.
  legacy boolean not null default false,
  created_at timestamptz not null default now(),
  paid_at timestamptz,
  updated_at timestamptz not null default now(),
  check (credits > 0 or flag_reason is not null)
);

create index credit_purchases_user_index on credit_purchases (user_id, created_at desc, session_id desc);
create index credit_purchases_flagged_index on credit_purchases (created_at desc, session_id desc) where flag_reason is not null;
create index credit_purchases_open_index on credit_purchases (created_at) where status in ('open', 'pending');

alter table credit_ledger
  add constraint credit_ledger_purchase_fk foreign key (purchase_session_id) references credit_purchases (session_id);

create table stripe_payment_states (
  payment_intent_id text primary key,
  amount_refunded_minor bigint not null default 0 check (amount_refunded_minor >= 0),
  dispute_id text,
  dispute_status text,
  updated_at timestamptz not null default now()
);

create function purchase_json(p credit_purchases) returns jsonb
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
    'createdAt', iso_time(p.created_at),
    'paidAt', iso_time(p.paid_at),
    'updatedAt', iso_time(p.updated_at)
  )
$$;

-- Records a checkout session the server just created. Same session and same data: the original row.
create function record_checkout_session(
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
create function payment_lock_key(p_payment_intent_id text) returns bigint
language sql immutable parallel safe as $$
  select hashtextextended('topup:payment:' || p_payment_intent_id, 0)
$$;

create function dispute_status_rank(p_status text) returns integer
language sql immutable as $$
  select case
    when p_status is null then 0
    when p_status in ('won', 'lost') then 2
    else 1
  end
$$;

-- Moves credits_clawed_back to what the refund and dispute targets imply, with one ledger row per
-- change. Refunds claw back credits in proportion to the cumulative amount refunded, rounded up, so
-- a full refund takes back exactly what was granted. An open or lost dispute claws back everything
-- granted; a won dispute gives back what the refunds do not cover.
create function sync_purchase_clawback(p_session_id text) returns credit_purchases
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
  v_status text;
begin
  select * into v_purchase from credit_purchases where session_id = p_session_id for update;
  select s.amount_refunded_minor, s.dispute_id, s.dispute_status into v_refunded, v_dispute_id, v_dispute_status
    from stripe_payment_states s where s.payment_intent_id = v_purchase.payment_intent_id;
  v_refunded := greatest(coalesce(v_refunded, 0), v_purchase.amount_refunded_minor);
  v_dispute_status := coalesce(v_dispute_status, v_purchase.dispute_status);
  v_paid := coalesce(v_purchase.amount_paid_minor, v_purchase.amount_minor);
  v_disputed := v_dispute_status is not null and v_dispute_status <> 'won';

  if v_purchase.credits_granted = 0 then
    update credit_purchases
      set amount_refunded_minor = v_refunded, dispute_status = v_dispute_status, updated_at = now()
      where session_id = p_session_id
      returning * into v_purchase;
    return v_purchase;
  end if;

  v_refund_target := case when v_paid <= 0 then 0
    else least(v_purchase.credits_granted, ceil(v_purchase.credits_granted::numeric * v_refunded / v_paid)::bigint) end;
  v_target := case when v_disputed then v_purchase.credits_granted else v_refund_target end;
  v_change := v_target - v_purchase.credits_clawed_back;

  if v_change <> 0 then
    perform apply_credit_movement(
      v_purchase.user_id,
      -v_change,
      case when v_change < 0 then 'dispute_won' when v_disputed and v_refund_target < v_target then 'dispute' else 'refund' end,
      case
        when v_change < 0 then format('Dispute won: %s credits restored', -v_change)
        when v_disputed and v_refund_target < v_target then format('Payment disputed: %s credits taken back', v_change)
        else format('Refund of %s %s: %s credits taken back', v_refunded, upper(v_purchase.currency), v_change)
      end,
      'stripe',
      format('clawback:%s:%s', p_session_id, v_purchase.clawback_movements + 1),
      case when v_disputed or v_change < 0 then 'dispute' else 'refund' end,
      case when v_disputed or v_change < 0 then v_dispute_id else v_purchase.payment_intent_id end,
      p_session_id,
      true
    );
  end if;

  v_status := case
    when v_disputed then 'disputed'
    when v_refunded >= v_paid and v_refunded > 0 then 'refunded'
    when v_refunded > 0 then 'partially_refunded'
    else 'paid'
  end;
  update credit_purchases set
    credits_clawed_back = v_target,
    clawback_movements = clawback_movements + (v_change <> 0)::integer,
    amount_refunded_minor = v_refunded,
    dispute_status = v_dispute_status,
    status = v_status,
    updated_at = now()
  where session_id = p_session_id
  returning * into v_purchase;
  return v_purchase;
end
$$;

-- Applies what Stripe says about a checkout session. p_outcome: paid, pending (an async payment
-- started), failed (it failed), expired. A paid session is granted exactly once, and only when the
-- amount and currency paid match what was recorded (a legacy session, from the app this replaces,
-- may have paid more, never less); otherwise it is flagged and grants nothing. p_legacy
-- ({userId, credits, amountMinor}) records a session the database has never seen; p_flag_reason
-- flags it instead of granting. p_metadata_user_id / p_metadata_credits, when given, are the
-- session's metadata: a recorded purchase whose metadata says otherwise is flagged, not granted.
create function settle_checkout_session(
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
  v_purchase credit_purchases;
  v_mismatch text;
begin
  if p_outcome is null or p_outcome not in ('paid', 'pending', 'failed', 'expired') then
    raise exception using errcode = 'TU400', message = 'outcome must be paid, pending, failed or expired';
  end if;
  -- Serialize with record_payment_state on the same payment: otherwise a refund committed while
  -- this payment is being linked finds no purchase, and this settle does not see the refund yet:
  -- both commit and the refund is never clawed back (found by `npm run chaos`). Taken before the
  -- purchase's row lock, in the same order as record_payment_state, so they cannot deadlock.
  if p_payment_intent_id is not null then
    perform pg_advisory_xact_lock(payment_lock_key(p_payment_intent_id));
  end if;
  if p_legacy is not null then
    insert into users (id) values (p_legacy->>'userId') on conflict (id) do nothing;
    -- A legacy session without sane credits is recorded as flagged from the start (credits 0).
    insert into credit_purchases (session_id, user_id, credits, amount_minor, currency, legacy, flag_reason)
    values (p_session_id, p_legacy->>'userId', (p_legacy->>'credits')::bigint, (p_legacy->>'amountMinor')::bigint,
            lower(coalesce(p_currency, p_legacy->>'currency')), true,
            case when (p_legacy->>'credits')::bigint > 0 then null
                 else left(coalesce(p_flag_reason, 'legacy session without a sane amount of credits'), 500) end)
    on conflict (session_id) do nothing;
  end if;

  select * into v_purchase from credit_purchases where session_id = p_session_id for update;
  if not found then
    raise exception using errcode = 'TU404', message = format('checkout session %s is not a known top-up', p_session_id);
  end if;
  -- A payment intent belongs to one session; one already linked elsewhere is not stolen (that
  -- would take its refunds and disputes away from the purchase they belong to).
  if p_payment_intent_id is not null and v_purchase.payment_intent_id is null
     and not exists (select 1 from credit_purchases where payment_intent_id = p_payment_intent_id) then
    update credit_purchases set payment_intent_id = p_payment_intent_id where session_id = p_session_id
    returning * into v_purchase;
  end if;

  if p_outcome = 'paid' then
    -- Settled as paid before (granted, or flagged): a repeat has no effect.
    if v_purchase.paid_at is not null then
      return purchase_json(v_purchase);
    end if;
    v_mismatch := case
      when p_flag_reason is not null then p_flag_reason
      when p_metadata_user_id is not null and not v_purchase.legacy
        and (p_metadata_user_id <> v_purchase.user_id or p_metadata_credits is distinct from v_purchase.credits) then
        format('session metadata (user %s, credits %s) differs from the recorded purchase', p_metadata_user_id, coalesce(p_metadata_credits::text, 'not a whole number'))
      when v_purchase.flag_reason is not null then v_purchase.flag_reason
      when p_amount_paid_minor is null or p_currency is null then 'the paid amount is unknown'
      when lower(p_currency) <> v_purchase.currency then
        format('paid in %s, expected %s', upper(p_currency), upper(v_purchase.currency))
      when v_purchase.legacy and p_amount_paid_minor < v_purchase.amount_minor then
        format('paid %s, less than the %s that %s credits cost', p_amount_paid_minor, v_purchase.amount_minor, v_purchase.credits)
      when not v_purchase.legacy and p_amount_paid_minor <> v_purchase.amount_minor then
        format('paid %s, expected %s', p_amount_paid_minor, v_purchase.amount_minor)
    end;
    if v_mismatch is not null then
      update credit_purchases set status = 'paid', amount_paid_minor = p_amount_paid_minor, paid_at = now(),
        flag_reason = left(v_mismatch, 500), updated_at = now()
      where session_id = p_session_id returning * into v_purchase;
      return purchase_json(v_purchase);
    end if;
    perform apply_credit_movement(
      v_purchase.user_id, v_purchase.credits, 'purchase',
      format('Bought %s credits', v_purchase.credits), 'stripe',
      'purchase:' || p_session_id, 'checkout_session', p_session_id, p_session_id, false);
    update credit_purchases set status = 'paid', credits_granted = credits, amount_paid_minor = p_amount_paid_minor,
      paid_at = now(), updated_at = now()
    where session_id = p_session_id
    returning * into v_purchase;
    -- Refunds or disputes that arrived before the payment apply now, in this same transaction. (The
    -- common case has none: skip the sync's extra reads and writes then.)
    if exists (select 1 from stripe_payment_states where payment_intent_id = v_purchase.payment_intent_id) then
      v_purchase := sync_purchase_clawback(p_session_id);
    end if;
  elsif p_outcome = 'pending' and v_purchase.status = 'open' then
    update credit_purchases set status = 'pending', updated_at = now() where session_id = p_session_id
    returning * into v_purchase;
  elsif p_outcome = 'failed' and v_purchase.status in ('open', 'pending') then
    update credit_purchases set status = 'failed', updated_at = now() where session_id = p_session_id
    returning * into v_purchase;
  elsif p_outcome = 'expired' and v_purchase.status = 'open' then
    update credit_purchases set status = 'expired', updated_at = now() where session_id = p_session_id
    returning * into v_purchase;
  end if;
  return purchase_json(v_purchase);
end
$$;

-- Records what Stripe says about a payment (cumulative refunds, dispute status) as targets that only
-- move forward, then syncs the purchase, if one is known for that payment intent yet. Returns the
-- purchase, or null when the payment is not (yet) linked to one.
create function record_payment_state(
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

create function find_purchase(p_session_id text) returns jsonb
language plpgsql stable as $$
declare
  v_result jsonb;
begin
  select purchase_json(p) into v_result from credit_purchases p where p.session_id = p_session_id;
  return v_result;
end
$$;

-- Several purchases in one call (a page of ledger entries shows each entry's purchase).
create function find_purchases(p_session_ids text[]) returns jsonb
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
create function list_purchases(
  p_user_id text default null,
  p_flagged_only boolean default false,
  p_after text default null,
  p_limit integer default 20
) returns jsonb
language plpgsql stable as $$
declare
  v_after_time timestamptz;
  v_after_session text;
  v_rows jsonb;
begin
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception using errcode = 'TU400', message = 'page size must be between 1 and 1000';
  end if;
  if p_after is not null then
    if p_after !~ '^-?\d{1,19}:.+$' then
      raise exception using errcode = 'TU400', message = 'invalid cursor';
    end if;
    v_after_time := from_epoch_microseconds(split_part(p_after, ':', 1)::bigint);
    v_after_session := substr(p_after, length(split_part(p_after, ':', 1)) + 2);
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
      'node', purchase_json(p),
      'cursor', epoch_microseconds(p.created_at)::text || ':' || p.session_id
    ) order by p.created_at desc, p.session_id desc), '[]'::jsonb)
    into v_rows
  from (
    select * from credit_purchases p
    where (p_user_id is null or p.user_id = p_user_id)
      and (not p_flagged_only or p.flag_reason is not null)
      and (v_after_time is null or (p.created_at, p.session_id) < (v_after_time, v_after_session))
    order by p.created_at desc, p.session_id desc
    limit p_limit + 1
  ) p;
  return v_rows;
end
$$;
