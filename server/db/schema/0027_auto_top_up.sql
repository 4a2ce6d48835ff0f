-- Auto top-up (docs/auto-top-up.md): each user's settings, and the attempts to pay a top-up
-- off-session with the saved card (schema/0024_saved_cards.sql). An attempt is written by a trigger
-- in the transaction of the credit movement that took available credits below the threshold
-- (functions/auto_top_up.sql); the workers of every instance claim due attempts with FOR UPDATE SKIP
-- LOCKED and pay them; the payment_intent.succeeded webhook grants them as a purchase.

create table auto_top_up_settings (
  user_id text primary key references users (id),
  -- off: the user turned it off (or removed the card); active; requires_action: the last payment
  -- needs the user to authenticate on-session; disabled: three failures in a row.
  status text not null default 'off' check (status in ('off', 'active', 'requires_action', 'disabled')),
  -- A top-up is due when available credits fall below this.
  threshold_credits bigint not null check (threshold_credits between 0 and 9007199254740991),
  -- Credits bought per top-up, and their price in currency as the server computed it (pricing.ts)
  -- when the settings were saved.
  credits bigint not null check (credits between 1 and 9007199254740991),
  amount_minor bigint not null check (amount_minor between 1 and 9007199254740991),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  -- At most this much (in currency) per calendar month (UTC), in-flight attempts counted.
  monthly_limit_minor bigint not null check (monthly_limit_minor between 0 and 9007199254740991),
  -- Failed card payments since the last success; the third makes the status disabled.
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  last_error text check (last_error is null or length(last_error) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table auto_top_up_attempts (
  id bigint generated always as identity primary key,
  user_id text not null references users (id),
  -- pending: to pay (again, after next_attempt_at); processing: the payment intent exists, its
  -- webhook grants; requires_action: the card needs authentication (no new attempt until resolved);
  -- succeeded: granted; failed: the retries ran out; canceled: turned off, the card removed, or
  -- resolved on-session.
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'requires_action', 'succeeded', 'failed', 'canceled')),
  credits bigint not null check (credits between 1 and 9007199254740991),
  amount_minor bigint not null check (amount_minor between 1 and 9007199254740991),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  stripe_customer_id text not null,
  payment_method_id text not null,
  -- What crossed the threshold: a ledger entry, or a new hold.
  trigger_entry_id bigint references credit_ledger (id),
  trigger_hold_id bigint references credit_holds (id),
  -- Failed card payments of this attempt; the next payment's idempotency key ends in tries + 1,
  -- so a retry after a crash reuses the key of the payment it may already have made.
  tries integer not null default 0 check (tries between 0 and 3),
  -- Null: due now. A retry after a decline waits until then.
  next_attempt_at timestamptz,
  -- A worker's claim; past claimed_until (a killed instance) any worker may claim it again.
  claimed_until timestamptz,
  claim_token text,
  -- The latest payment intent (one per try), and the purchase its success became.
  payment_intent_id text unique,
  purchase_session_id text references credit_purchases (session_id),
  failure_code text check (failure_code is null or length(failure_code) <= 100),
  decline_code text check (decline_code is null or length(decline_code) <= 100),
  last_error text check (last_error is null or length(last_error) <= 500),
  -- ledger_now() of the movement that made it: the month its amount counts in.
  created_at timestamptz not null,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  check ((status in ('succeeded', 'failed', 'canceled')) = (finished_at is not null))
);

-- Exactly one attempt in flight per user, however many movements cross the threshold together.
create unique index auto_top_up_attempts_in_flight_index on auto_top_up_attempts (user_id)
  where status in ('pending', 'processing', 'requires_action');
create index auto_top_up_attempts_due_index on auto_top_up_attempts (id) where status = 'pending';
create index auto_top_up_attempts_processing_index on auto_top_up_attempts (updated_at) where status = 'processing';
create index auto_top_up_attempts_user_index on auto_top_up_attempts (user_id, created_at desc);
