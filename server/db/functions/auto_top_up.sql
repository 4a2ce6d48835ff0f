-- Auto top-up (docs/auto-top-up.md; tables in schema/0024_saved_cards.sql and 0027_auto_top_up.sql):
-- the saved card, the settings, the trigger that decides in the movement's own transaction that a
-- top-up is due (at most one in flight per user, within the monthly limit), the workers' claim and
-- what they record of each payment, and the grant from payment_intent.succeeded through the same
-- purchase path as a checkout (settle_checkout_session: a purchase row, a purchase lot, refunds and
-- disputes clawed back the same way). Events (auto_top_up.succeeded | failed | requires_action) are
-- written with enqueue_webhook_event (functions/webhooks.sql) in the same transaction.

-- The calendar month (UTC) an instant falls in.
create or replace function auto_top_up_month(p_at timestamptz) returns timestamp
language sql immutable parallel safe as $$
  select date_trunc('month', p_at at time zone 'UTC')
$$;

-- What the user's auto top-ups took (succeeded) or hold (in flight) in p_currency in the month of p_now.
create or replace function auto_top_up_month_total(p_user_id text, p_currency text, p_now timestamptz, p_include_in_flight boolean)
returns bigint
language sql stable as $$
  select coalesce(sum(a.amount_minor), 0)::bigint from auto_top_up_attempts a
  where a.user_id = p_user_id and a.currency = p_currency
    and auto_top_up_month(a.created_at) = auto_top_up_month(p_now)
    and (a.status = 'succeeded' or (p_include_in_flight and a.status in ('pending', 'processing', 'requires_action')))
$$;

-- The user's auto top-up as GraphQL's AutoTopUp shows it (null fields when never set up).
create or replace function auto_top_up_json(p_user_id text) returns jsonb
language sql volatile as $$
  with clock as (select ledger_now() as now)
  select jsonb_build_object(
    'userId', p_user_id,
    'enabled', coalesce(s.status in ('active', 'requires_action'), false),
    'status', coalesce(s.status, 'off'),
    'thresholdCredits', s.threshold_credits,
    'credits', s.credits,
    'amountMinor', s.amount_minor,
    'monthlyLimitMinor', s.monthly_limit_minor,
    'currency', s.currency,
    'spentThisMonthMinor', case when s.user_id is null then 0
      else auto_top_up_month_total(p_user_id, s.currency, clock.now, false) end,
    'lastError', s.last_error,
    'paymentMethod', (select jsonb_build_object('brand', c.brand, 'last4', c.last4) from saved_cards c
      where c.user_id = p_user_id and c.removed_at is null),
    'pendingAttempt', (select jsonb_build_object('id', a.id::text, 'status', a.status, 'credits', a.credits,
        'amountMinor', a.amount_minor, 'currency', a.currency, 'lastError', a.last_error, 'createdAt', iso_time(a.created_at))
      from auto_top_up_attempts a where a.user_id = p_user_id and a.status in ('pending', 'processing', 'requires_action')))
  from clock left join auto_top_up_settings s on s.user_id = p_user_id
$$;

-- Saves the card a payment intent with setup_future_usage attached to the user's customer. Ignored
-- (returns null) when the customer is not the user's, when an older event than the saved card's
-- arrives, or when this payment method was removed before (a late or replayed event).
create or replace function save_card(
  p_user_id text, p_customer_id text, p_payment_method_id text, p_brand text, p_last4 text, p_saved_at timestamptz
) returns jsonb
language plpgsql as $$
declare
  v_card saved_cards;
begin
  if not exists (select 1 from users where id = p_user_id and stripe_customer_id = p_customer_id) then
    return null;
  end if;
  select * into v_card from saved_cards where user_id = p_user_id for update;
  if found and (v_card.saved_at > p_saved_at
                or (v_card.payment_method_id = p_payment_method_id and v_card.removed_at is not null)) then
    return null;
  end if;
  insert into saved_cards (user_id, stripe_customer_id, payment_method_id, brand, last4, saved_at)
  values (p_user_id, p_customer_id, p_payment_method_id, left(p_brand, 40), p_last4, p_saved_at)
  on conflict (user_id) do update set stripe_customer_id = excluded.stripe_customer_id,
    payment_method_id = excluded.payment_method_id, brand = excluded.brand, last4 = excluded.last4,
    saved_at = excluded.saved_at, removed_at = null, updated_at = now();
  return auto_top_up_json(p_user_id);
end
$$;

-- Ends the user's attempts that have not reached Stripe (pending, or waiting for the user's action)
-- with p_reason. A processing one already charged: its webhook still grants it.
create or replace function cancel_unpaid_auto_top_ups(p_user_id text, p_reason text) returns void
language sql as $$
  update auto_top_up_attempts set status = 'canceled', finished_at = now(), updated_at = now(),
    last_error = coalesce(last_error, left(p_reason, 500)), claimed_until = null, claim_token = null
  where user_id = p_user_id and status in ('pending', 'requires_action')
$$;

-- Removes the saved card (its payment method id is remembered as removed) and turns auto top-up off.
-- Returns the payment method removed (to detach at Stripe), or null when there was none.
create or replace function remove_saved_card(p_user_id text) returns jsonb
language plpgsql as $$
declare
  v_card saved_cards;
begin
  update saved_cards set removed_at = now(), updated_at = now()
  where user_id = p_user_id and removed_at is null
  returning * into v_card;
  update auto_top_up_settings set status = 'off', updated_at = now() where user_id = p_user_id and status <> 'off';
  perform cancel_unpaid_auto_top_ups(p_user_id, 'the card was removed');
  return jsonb_build_object('paymentMethodId', v_card.payment_method_id, 'autoTopUp', auto_top_up_json(p_user_id));
end
$$;

-- Available credits at this instant: the balance less active holds (never below zero).
create or replace function auto_top_up_available(p_user_id text, p_balance bigint) returns bigint
language sql volatile as $$
  select greatest(0, p_balance - held_credits(p_user_id, ledger_now()))
$$;

-- lastError while the monthly limit stops auto top-ups.
create or replace function auto_top_up_limit_message() returns text
language sql immutable as $$
  select 'The monthly limit is reached: no automatic top-up until next month or a higher limit.'::text
$$;

-- Decides, under the user's row lock, whether a top-up is due: the settings are active, a card is
-- saved, available credits are below the threshold, nothing is in flight, and the month's total
-- with this one stays within the limit. Then writes the attempt (the partial unique index keeps it
-- to one in flight). Past the limit, the settings say so in last_error instead, and the first time
-- an auto_top_up.limit_reached event tells the app. Returns the id or null.
create or replace function consider_auto_top_up(p_user_id text, p_available bigint, p_entry_id bigint, p_hold_id bigint)
returns bigint
language plpgsql as $$
declare
  v_settings auto_top_up_settings;
  v_card saved_cards;
  v_now timestamptz := ledger_now();
  v_id bigint;
  v_month_total bigint;
  v_limit_message constant text := auto_top_up_limit_message();
begin
  select * into v_settings from auto_top_up_settings where user_id = p_user_id and status = 'active';
  if not found or p_available >= v_settings.threshold_credits then
    return null;
  end if;
  select * into v_card from saved_cards where user_id = p_user_id and removed_at is null;
  if not found or exists (select 1 from auto_top_up_attempts where user_id = p_user_id
                          and status in ('pending', 'processing', 'requires_action')) then
    return null;
  end if;
  v_month_total := auto_top_up_month_total(p_user_id, v_settings.currency, v_now, true);
  if v_month_total + v_settings.amount_minor > v_settings.monthly_limit_minor then
    -- Said once (the first movement the limit stops; again after a success or new settings clear it).
    update auto_top_up_settings set last_error = v_limit_message, updated_at = now()
    where user_id = p_user_id and last_error is distinct from v_limit_message;
    if found then
      perform enqueue_webhook_event('auto_top_up.limit_reached', p_user_id, jsonb_build_object(
        'credits', v_settings.credits, 'amountMinor', v_settings.amount_minor, 'currency', v_settings.currency,
        'monthlyLimitMinor', v_settings.monthly_limit_minor, 'spentThisMonthMinor', v_month_total,
        'availableCredits', p_available, 'message', v_limit_message));
    end if;
    return null;
  end if;
  insert into auto_top_up_attempts (user_id, credits, amount_minor, currency, stripe_customer_id, payment_method_id,
    trigger_entry_id, trigger_hold_id, created_at)
  values (p_user_id, v_settings.credits, v_settings.amount_minor, v_settings.currency, v_card.stripe_customer_id,
    v_card.payment_method_id, p_entry_id, p_hold_id, v_now)
  on conflict (user_id) where status in ('pending', 'processing', 'requires_action') do nothing
  returning id into v_id;
  return v_id;
end
$$;

-- AFTER INSERT on credit_ledger, for movements that take credits (spends, captures, expiry,
-- clawbacks, negative adjustments): balance_after is the balance after this row.
create or replace function auto_top_up_after_movement() returns trigger
language plpgsql as $$
begin
  -- The common case (no auto top-up on) costs one primary-key lookup, not a sum of holds.
  if not exists (select 1 from auto_top_up_settings where user_id = new.user_id and status = 'active') then
    return null;
  end if;
  perform consider_auto_top_up(new.user_id, auto_top_up_available(new.user_id, new.balance_after), new.id, null);
  return null;
end
$$;

create or replace trigger credit_ledger_auto_top_up
after insert on credit_ledger
for each row when (new.delta < 0) execute function auto_top_up_after_movement();

-- AFTER INSERT on credit_holds: a new hold takes available credits (reserve_credits locked the user).
create or replace function auto_top_up_after_hold() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from auto_top_up_settings where user_id = new.user_id and status = 'active') then
    return null;
  end if;
  perform consider_auto_top_up(new.user_id,
    auto_top_up_available(new.user_id, (select credits from users where id = new.user_id)), null, new.id);
  return null;
end
$$;

create or replace trigger credit_holds_auto_top_up
after insert on credit_holds
for each row execute function auto_top_up_after_hold();

-- Saves the user's settings (p_amount_minor: the server's price of p_credits in p_currency). Turning
-- it on needs a saved card (TU428) and makes it active again after requires_action or disabled
-- (failures forgotten, an attempt waiting for action canceled); turning it off cancels what has not
-- reached Stripe. Turned on while already below the threshold, a top-up is due at once.
-- Errors: TU400 (bad numbers), TU404 (unknown user), TU428 (no saved card).
create or replace function set_auto_top_up(
  p_user_id text, p_enabled boolean, p_threshold_credits bigint, p_credits bigint, p_amount_minor bigint,
  p_monthly_limit_minor bigint, p_currency text
) returns jsonb
language plpgsql as $$
declare
  v_balance bigint;
begin
  if p_enabled is null or p_threshold_credits is null or p_threshold_credits < 0 or p_credits is null or p_credits <= 0
     or p_amount_minor is null or p_amount_minor <= 0 or p_monthly_limit_minor is null or p_monthly_limit_minor < 0 then
    raise exception using errcode = 'TU400', message = 'auto top-up needs a threshold of 0 or more, positive credits and a monthly limit of 0 or more';
  end if;
  v_balance := lock_user_balance(p_user_id, ledger_now());
  if p_enabled and not exists (select 1 from saved_cards where user_id = p_user_id and removed_at is null) then
    raise exception using errcode = 'TU428', message = 'auto top-up needs a saved card: buy credits once with "save this card for automatic top-ups"';
  end if;
  if not p_enabled or exists (select 1 from auto_top_up_settings where user_id = p_user_id and status in ('requires_action', 'disabled')) then
    perform cancel_unpaid_auto_top_ups(p_user_id, case when p_enabled then 'replaced by new settings' else 'auto top-up was turned off' end);
  end if;
  insert into auto_top_up_settings (user_id, status, threshold_credits, credits, amount_minor, currency, monthly_limit_minor)
  values (p_user_id, case when p_enabled then 'active' else 'off' end, p_threshold_credits, p_credits, p_amount_minor,
    lower(p_currency), p_monthly_limit_minor)
  on conflict (user_id) do update set
    status = case when not p_enabled then 'off'
                  when auto_top_up_settings.status = 'off' or auto_top_up_settings.status = 'disabled'
                    or auto_top_up_settings.status = 'requires_action' then 'active'
                  else auto_top_up_settings.status end,
    threshold_credits = excluded.threshold_credits, credits = excluded.credits, amount_minor = excluded.amount_minor,
    currency = excluded.currency, monthly_limit_minor = excluded.monthly_limit_minor,
    consecutive_failures = case when p_enabled and auto_top_up_settings.status <> 'active' then 0 else auto_top_up_settings.consecutive_failures end,
    -- The limit's message is judged again below, with the new limit.
    last_error = case when p_enabled and auto_top_up_settings.status <> 'active' then null
                      when auto_top_up_settings.last_error = auto_top_up_limit_message() then null
                      else auto_top_up_settings.last_error end,
    updated_at = now();
  if p_enabled then
    perform consider_auto_top_up(p_user_id, auto_top_up_available(p_user_id, v_balance), null, null);
  end if;
  return auto_top_up_json(p_user_id);
end
$$;

-- What the saved settings buy, each (credits, currency) once: the server prices them again at boot
-- (reprice_auto_top_ups) when the price list may have changed.
create or replace function auto_top_up_price_keys() returns jsonb
language sql stable as $$
  select coalesce(jsonb_agg(jsonb_build_object('credits', k.credits, 'currency', k.currency) order by k.currency, k.credits), '[]'::jsonb)
  from (select distinct credits, currency from auto_top_up_settings) k
$$;

-- Topup turned p_user_id's auto top-up off (p_reason: payment_failures, the third declined payment
-- in a row; price_unavailable, its pack is no longer offered at a price): auto_top_up.disabled tells
-- the app, with the settings and the message the user sees (lastError). Returns the event's id.
create or replace function announce_auto_top_up_disabled(p_user_id text, p_reason text) returns bigint
language plpgsql as $$
declare
  v_settings auto_top_up_settings;
begin
  select * into strict v_settings from auto_top_up_settings where user_id = p_user_id;
  return enqueue_webhook_event('auto_top_up.disabled', p_user_id, jsonb_build_object(
    'reason', p_reason, 'credits', v_settings.credits, 'amountMinor', v_settings.amount_minor,
    'currency', v_settings.currency, 'message', v_settings.last_error));
end
$$;

-- The server's prices of those keys (p_prices: {prices: [{credits, currency, amountMinor}]}, amountMinor null
-- when the currency is no longer offered or the credits are out of its bounds): settings whose price
-- changed take the new one, so a top-up never charges a price the price list no longer shows; an
-- active setting that can no longer be priced is disabled with lastError saying so. Attempts already
-- decided keep their amount. Returns {repriced, disabled}.
create or replace function reprice_auto_top_ups(p_prices jsonb) returns jsonb
language plpgsql as $$
declare
  v_repriced integer;
  v_disabled_users text[];
begin
  with price as (
    select (p->>'credits')::bigint as credits, lower(p->>'currency') as currency, (p->>'amountMinor')::bigint as amount_minor
    from jsonb_array_elements(coalesce(p_prices->'prices', '[]'::jsonb)) p
  )
  update auto_top_up_settings s set amount_minor = price.amount_minor, updated_at = now()
  from price
  where s.credits = price.credits and s.currency = price.currency
    and price.amount_minor is not null and s.amount_minor <> price.amount_minor;
  get diagnostics v_repriced = row_count;
  -- Each setting turned off tells the app (auto_top_up.disabled), in this transaction.
  with price as (
    select (p->>'credits')::bigint as credits, lower(p->>'currency') as currency
    from jsonb_array_elements(coalesce(p_prices->'prices', '[]'::jsonb)) p
    where p->>'amountMinor' is null
  ), disabled as (
    update auto_top_up_settings s set status = 'disabled', updated_at = now(),
      last_error = format('%s credits in %s are no longer offered at a price: choose other settings to turn it on again.', s.credits, upper(s.currency))
    from price
    where s.credits = price.credits and s.currency = price.currency and s.status in ('active', 'requires_action')
    returning s.user_id
  )
  select coalesce(array_agg(user_id), '{}') into v_disabled_users from disabled;
  -- Announced once the statement wrote the rows (a data-modifying WITH's rows are seen after it).
  perform announce_auto_top_up_disabled(u, 'price_unavailable') from unnest(v_disabled_users) u;
  return jsonb_build_object('repriced', v_repriced, 'disabled', cardinality(v_disabled_users));
end
$$;

-- Several users' auto top-ups in one call (a page of users on the admin console).
create or replace function auto_top_ups(p_user_ids text[]) returns jsonb
language sql volatile as $$
  select coalesce(jsonb_agg(auto_top_up_json(u)), '[]'::jsonb) from unnest(p_user_ids) u
$$;

-- The idempotency key of an attempt's next payment: derived from the attempt and its try, so a
-- worker that crashed after Stripe created the payment sends the same key again and Stripe answers
-- with that payment instead of charging twice. Topup's own scope: no client key looks like it.
create or replace function auto_top_up_idempotency_key(p_attempt auto_top_up_attempts) returns text
language sql immutable as $$
  select format('topup-auto-top-up-%s-try-%s', p_attempt.id, p_attempt.tries + 1)
$$;

-- Claims up to p_limit due attempts for p_claim_seconds (instances never take the same row; a claim
-- not recorded in time expires and the attempt is claimable again, with the same idempotency key).
create or replace function claim_auto_top_up_attempts(p_now timestamptz, p_limit integer, p_claim_seconds integer, p_claim_token text)
returns jsonb
language sql as $$
  with due as (
    select a.id from auto_top_up_attempts a
    where a.status = 'pending' and (a.next_attempt_at is null or a.next_attempt_at <= p_now)
      and (a.claimed_until is null or a.claimed_until <= p_now)
    order by a.id
    limit p_limit
    for update skip locked
  ), claimed as (
    update auto_top_up_attempts a
    set claimed_until = p_now + make_interval(secs => p_claim_seconds), claim_token = p_claim_token, updated_at = now()
    from due where a.id = due.id
    returning a.*
  )
  select coalesce(jsonb_agg(jsonb_build_object(
    'id', c.id::text, 'userId', c.user_id, 'credits', c.credits, 'amountMinor', c.amount_minor, 'currency', c.currency,
    'customerId', c.stripe_customer_id, 'paymentMethodId', c.payment_method_id, 'tries', c.tries,
    'idempotencyKey', auto_top_up_idempotency_key(c)) order by c.id), '[]'::jsonb)
  from claimed c
$$;

-- The attempt p_attempt_id, locked; TU404 when there is none (or the id is not a number).
create or replace function lock_auto_top_up_attempt(p_attempt_id text) returns auto_top_up_attempts
language plpgsql as $$
declare
  v_attempt auto_top_up_attempts;
begin
  if p_attempt_id ~ '^[0-9]{1,18}$' then
    select * into v_attempt from auto_top_up_attempts where id = p_attempt_id::bigint for update;
  end if;
  if v_attempt.id is null then
    raise exception using errcode = 'TU404', message = format('auto top-up attempt %s not found', p_attempt_id);
  end if;
  return v_attempt;
end
$$;

-- Stripe accepted the payment (p_payment_intent_id; succeeded or processing): the attempt waits for
-- its webhook. Only with the claim (a worker whose claim expired records nothing); an attempt the
-- webhook settled first stays as it is. Returns the attempt's status.
create or replace function record_auto_top_up_payment(p_attempt_id text, p_claim_token text, p_payment_intent_id text)
returns text
language plpgsql as $$
declare
  v_attempt auto_top_up_attempts := lock_auto_top_up_attempt(p_attempt_id);
begin
  if coalesce(v_attempt.status = 'pending' and v_attempt.claim_token = p_claim_token, false) then
    update auto_top_up_attempts set status = 'processing', payment_intent_id = p_payment_intent_id,
      claimed_until = null, claim_token = null, updated_at = now()
    where id = v_attempt.id returning * into v_attempt;
  end if;
  return v_attempt.status;
end
$$;

-- A transient failure (Stripe unreachable): the claim is given up, the try is not counted, and the
-- next claim sends the same idempotency key.
create or replace function release_auto_top_up_claim(p_attempt_id text, p_claim_token text, p_retry_at timestamptz) returns void
language sql as $$
  update auto_top_up_attempts set claimed_until = null, claim_token = null, next_attempt_at = p_retry_at, updated_at = now()
  where id = p_attempt_id::bigint and status = 'pending' and claim_token = p_claim_token
$$;

-- The data of an auto_top_up.* event: what the top-up was, and why it stopped (message).
create or replace function auto_top_up_event_data(p_attempt auto_top_up_attempts, p_extra jsonb) returns jsonb
language sql stable as $$
  select jsonb_build_object('attemptId', p_attempt.id::text, 'credits', p_attempt.credits, 'amountMinor', p_attempt.amount_minor,
    'currency', p_attempt.currency, 'paymentIntentId', p_attempt.payment_intent_id) || jsonb_strip_nulls(coalesce(p_extra, '{}'::jsonb))
$$;

-- The card needs the user to authenticate: the attempt and the settings wait in requires_action
-- (no new attempt until the user confirms on-session or changes the settings), and the user is told.
create or replace function auto_top_up_requires_action(p_attempt auto_top_up_attempts, p_message text) returns void
language plpgsql as $$
begin
  update auto_top_up_attempts set status = 'requires_action', claimed_until = null, claim_token = null, updated_at = now()
  where id = p_attempt.id;
  update auto_top_up_settings set status = 'requires_action', last_error = left(p_message, 500), updated_at = now()
  where user_id = p_attempt.user_id and status = 'active';
  perform enqueue_webhook_event('auto_top_up.requires_action', p_attempt.user_id,
    auto_top_up_event_data(p_attempt, jsonb_build_object('message', p_message)));
end
$$;

-- A declined card: counted on the attempt and on the settings. Fewer than three failures in a row:
-- the attempt is due again at p_retry_at (a new try, a new idempotency key). The third: the attempt
-- fails and auto top-up is disabled with the error. Either way the user is told (auto_top_up.failed).
create or replace function auto_top_up_declined(p_attempt auto_top_up_attempts, p_message text, p_retry_at timestamptz) returns void
language plpgsql as $$
declare
  v_failures integer;
  v_final boolean;
begin
  update auto_top_up_settings set consecutive_failures = consecutive_failures + 1, last_error = left(p_message, 500), updated_at = now()
  where user_id = p_attempt.user_id returning consecutive_failures into v_failures;
  v_final := coalesce(v_failures, 3) >= 3 or p_attempt.tries >= 3 or p_retry_at is null;
  update auto_top_up_attempts set
    status = case when v_final then 'failed' else 'pending' end,
    finished_at = case when v_final then now() end,
    next_attempt_at = case when v_final then next_attempt_at else p_retry_at end,
    claimed_until = null, claim_token = null, updated_at = now()
  where id = p_attempt.id;
  perform enqueue_webhook_event('auto_top_up.failed', p_attempt.user_id, auto_top_up_event_data(p_attempt, jsonb_build_object(
    'message', p_message, 'code', p_attempt.failure_code, 'declineCode', p_attempt.decline_code,
    'failures', coalesce(v_failures, p_attempt.tries), 'willRetry', not v_final, 'disabled', v_final)));
  if v_final then
    update auto_top_up_settings set status = 'disabled', updated_at = now()
    where user_id = p_attempt.user_id and status in ('active', 'requires_action');
    -- After the failure's own event, so an app reading them in order sees why first.
    if found then
      perform announce_auto_top_up_disabled(p_attempt.user_id, 'payment_failures');
    end if;
  end if;
end
$$;

-- Stripe refused the payment p_payment_intent_id of a pending (claimed, p_claim_token) or
-- processing attempt: p_code 'authentication_required' waits for the user; any other card error is a
-- decline (p_decline_code such as insufficient_funds), retried at p_retry_at. Recorded once per
-- payment intent: the same failure reported again (a worker's retry with the same key, the
-- payment_failed webhook) changes nothing. Returns the attempt's status.
create or replace function record_auto_top_up_failure(
  p_attempt_id text, p_claim_token text, p_payment_intent_id text, p_code text, p_decline_code text, p_message text,
  p_retry_at timestamptz
) returns text
language plpgsql as $$
declare
  v_attempt auto_top_up_attempts := lock_auto_top_up_attempt(p_attempt_id);
  v_message text := left(coalesce(nullif(p_message, ''), 'The card was declined.'), 500);
begin
  if not coalesce((v_attempt.status = 'pending' and v_attempt.claim_token = p_claim_token)
          or (v_attempt.status = 'processing' and v_attempt.payment_intent_id = p_payment_intent_id), false) then
    return v_attempt.status;
  end if;
  update auto_top_up_attempts set payment_intent_id = p_payment_intent_id, failure_code = left(p_code, 100),
    decline_code = left(p_decline_code, 100), last_error = v_message,
    tries = case when p_code = 'authentication_required' then tries else least(tries + 1, 3) end, updated_at = now()
  where id = v_attempt.id returning * into v_attempt;
  if p_code = 'authentication_required' then
    perform auto_top_up_requires_action(v_attempt, v_message);
  else
    perform auto_top_up_declined(v_attempt, v_message, p_retry_at);
  end if;
  return (select status from auto_top_up_attempts where id = v_attempt.id);
end
$$;

-- A succeeded auto top-up payment (p_payment: {paymentIntentId, attemptId, userId, amountReceivedMinor,
-- currency} from the payment intent and its metadata) becomes a purchase keyed by the payment intent's
-- id and is settled exactly like a paid checkout session (settle_checkout_session: granted once, or
-- flagged when the amount or currency differs from the attempt's), whatever the attempt's status:
-- money taken is never left ungranted. The attempt succeeds, the failures are forgotten, a status
-- waiting for action is active again, and auto_top_up.succeeded is written. Settled before: no effect.
-- Errors: TU404 (no such attempt), TU409 (the attempt is another user's).
create or replace function settle_auto_top_up(p_payment jsonb) returns jsonb
language plpgsql as $$
declare
  v_attempt auto_top_up_attempts := lock_auto_top_up_attempt(p_payment->>'attemptId');
  v_payment_intent_id text := p_payment->>'paymentIntentId';
  v_result jsonb;
begin
  if v_attempt.user_id <> p_payment->>'userId' then
    raise exception using errcode = 'TU409', message = format('auto top-up attempt %s belongs to another user', v_attempt.id);
  end if;
  if v_attempt.status = 'succeeded' then
    return settlement_result((select p from credit_purchases p where p.session_id = v_attempt.purchase_session_id));
  end if;
  -- Linked first, so the purchase's own trigger (auto_top_up_after_purchase) knows it is this attempt's.
  update auto_top_up_attempts set payment_intent_id = v_payment_intent_id where id = v_attempt.id;
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency)
  values (v_payment_intent_id, v_attempt.user_id, v_attempt.credits, v_attempt.amount_minor, v_attempt.currency)
  on conflict (session_id) do nothing;
  v_result := settle_checkout_session(jsonb_build_object(
    'sessionId', v_payment_intent_id, 'outcome', 'paid', 'paymentIntentId', v_payment_intent_id,
    'amountPaidMinor', (p_payment->>'amountReceivedMinor')::bigint, 'currency', lower(p_payment->>'currency'),
    'legacy', null, 'flagReason', null, 'metadataUserId', v_attempt.user_id, 'metadataCredits', v_attempt.credits));
  update auto_top_up_attempts set status = 'succeeded', payment_intent_id = v_payment_intent_id,
    purchase_session_id = v_payment_intent_id, finished_at = now(), claimed_until = null, claim_token = null, updated_at = now()
  where id = v_attempt.id returning * into v_attempt;
  update auto_top_up_settings set consecutive_failures = 0, last_error = null,
    status = case when status = 'requires_action' then 'active' else status end, updated_at = now()
  where user_id = v_attempt.user_id;
  perform enqueue_webhook_event('auto_top_up.succeeded', v_attempt.user_id, auto_top_up_event_data(v_attempt,
    jsonb_build_object('creditsGranted', (v_result->'purchase'->>'creditsGranted')::bigint, 'flagged', v_result->>'kind' = 'flagged')));
  return v_result;
end
$$;

-- A payment_intent.succeeded of an auto top-up: settle_auto_top_up, plus the event, in one transaction.
create or replace function apply_auto_top_up_event(p_event jsonb, p_payment jsonb) returns jsonb
language plpgsql as $$
begin
  if is_duplicate_delivery(p_event) then
    return jsonb_build_object('kind', 'duplicate');
  end if;
  return complete_settlement_event(p_event, settle_auto_top_up(p_payment), 'auto top-up: ');
end
$$;

-- A payment_intent.payment_failed of an auto top-up that the worker had recorded as processing
-- (a payment that failed after Stripe accepted it): recorded like the worker's failures, plus the
-- event. Failures Stripe answered at once were recorded by the worker; this one is then ignored.
create or replace function apply_auto_top_up_failure_event(p_event jsonb, p_failure jsonb) returns jsonb
language plpgsql as $$
declare
  v_status text;
begin
  if is_duplicate_delivery(p_event) then
    return jsonb_build_object('kind', 'duplicate');
  end if;
  v_status := record_auto_top_up_failure(p_failure->>'attemptId', null, p_failure->>'paymentIntentId', p_failure->>'code',
    p_failure->>'declineCode', p_failure->>'message', now() + interval '1 hour');
  return jsonb_build_object('kind', 'ignored',
    'description', complete_stripe_event(p_event, format('auto top-up %s is %s', p_failure->>'attemptId', v_status), 'processed'));
end
$$;

-- A paid checkout purchase (not an auto top-up's) resolves an auto top-up waiting for the user's
-- action: the user paid on-session, so the waiting attempt is canceled and auto top-up is active again.
create or replace function auto_top_up_after_purchase() returns trigger
language plpgsql as $$
begin
  if new.status = 'paid' and old.status is distinct from 'paid'
     and not exists (select 1 from auto_top_up_attempts a where a.purchase_session_id = new.session_id or a.payment_intent_id = new.session_id) then
    update auto_top_up_attempts set status = 'canceled', finished_at = now(), updated_at = now(),
      last_error = format('confirmed on-session by checkout %s', new.session_id)
    where user_id = new.user_id and status = 'requires_action';
    if found then
      update auto_top_up_settings set status = 'active', consecutive_failures = 0, last_error = null, updated_at = now()
      where user_id = new.user_id and status = 'requires_action';
    end if;
  end if;
  return null;
end
$$;

create or replace trigger credit_purchases_auto_top_up
after update of status on credit_purchases
for each row execute function auto_top_up_after_purchase();

-- Attempts in processing for more than p_older_than_seconds (the webhook never came): reconcile
-- asks Stripe about their payment intents.
create or replace function stuck_auto_top_ups(p_older_than_seconds integer, p_limit integer default 100) returns jsonb
language sql stable as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', a.id::text, 'userId', a.user_id, 'paymentIntentId', a.payment_intent_id)
    order by a.updated_at), '[]'::jsonb)
  from (select * from auto_top_up_attempts where status = 'processing'
        and updated_at < now() - make_interval(secs => p_older_than_seconds) order by updated_at limit p_limit) a
$$;
