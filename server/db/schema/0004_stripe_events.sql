-- Every Stripe event received, with when it was processed and how it ended. Processing is idempotent
-- on its own (purchases and clawbacks are targets), so this table is the audit trail and the fast
-- path that skips events already processed, not the thing that prevents double grants.

create table stripe_events (
  id text primary key check (length(id) between 1 and 255),
  type text not null check (length(type) <= 100),
  created_at_stripe timestamptz not null,
  livemode boolean not null default false,
  received_at timestamptz not null default now(),
  deliveries integer not null default 1,
  processed_at timestamptz,
  outcome text check (outcome is null or length(outcome) <= 500),
  last_error text check (last_error is null or length(last_error) <= 1000)
);

create index stripe_events_unprocessed_index on stripe_events (received_at) where processed_at is null;
