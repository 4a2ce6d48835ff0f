-- Refund bookkeeping. Two admins (or twenty concurrent calls) refunding the same purchase used to read
-- the same unspent credits and each pass the check: 200 unspent credits paid back 3.50 USD. A refund
-- now first reserves its credits in refund_requests, under the purchase's and the user's row locks, and
-- the unspent check counts every reservation Stripe's events have not yet turned into a clawback.
-- No lock is held while Stripe is called: the reservation row is the claim (functions/refunds.sql).

create table refund_requests (
  id bigint generated always as identity primary key,
  session_id text not null references credit_purchases (session_id),
  user_id text not null references users (id),
  credits bigint not null check (credits > 0 and credits <= 9007199254740991),
  amount_minor bigint not null check (amount_minor > 0),
  -- The cumulative amount refunded at Stripe once this refund is in: the reservation is outstanding
  -- until the purchase's amount_refunded_minor (from Stripe's events) reaches it.
  refunded_total_target_minor bigint not null check (refunded_total_target_minor >= amount_minor),
  -- reserved: Stripe not answered yet (or the answer was lost); succeeded: Stripe made the refund;
  -- failed: Stripe refused it, the reservation no longer counts.
  status text not null default 'reserved' check (status in ('reserved', 'succeeded', 'failed')),
  stripe_refund_id text check (stripe_refund_id is null or length(stripe_refund_id) between 1 and 255),
  actor text not null check (length(actor) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'succeeded') = (stripe_refund_id is not null))
);

create index refund_requests_session_index on refund_requests (session_id, id) where status <> 'failed';
create index refund_requests_user_index on refund_requests (user_id, id) where status <> 'failed';

-- A refund's ledger line shows that refund's amount: the cumulative amount refunded minus what the
-- refund lines written so far account for. Purchases that have clawed back already account for all
-- of their refunds so far.
alter table credit_purchases add column amount_refunded_in_lines_minor bigint not null default 0
  check (amount_refunded_in_lines_minor >= 0);
update credit_purchases set amount_refunded_in_lines_minor = amount_refunded_minor where clawback_movements > 0;
