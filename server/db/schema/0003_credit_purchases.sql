-- One row per Stripe Checkout session for credits, and the Stripe-side state of each payment
-- (cumulative refunds, dispute status). Stripe delivers events in any order and any number of times,
-- so both tables store targets (how much is refunded in total, what the dispute's status is), and
-- sync_purchase_clawback (functions/purchases.sql) moves the ledger towards what those targets imply.

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
