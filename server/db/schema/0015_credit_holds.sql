-- Holds: credits reserved for a pending use (reserve_credits, functions/holds.sql). A hold reserves an
-- amount, not particular lots: while it is active (and before its expires_at) spends and other holds
-- may not take it; a capture spends part or all of it as one 'spend' entry (drawn from lots in
-- consumption order then) and releases the rest. An active hold past expires_at counts as released at
-- that instant; the sweep then writes its status 'expired'.

create table credit_holds (
  id bigint generated always as identity primary key,
  user_id text not null references users (id),
  amount bigint not null check (amount > 0 and amount <= 9007199254740991),
  reason text check (reason is null or length(reason) <= 500),
  actor text not null check (length(actor) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'captured', 'released', 'expired')),
  expires_at timestamptz not null,
  -- The caller's key, unique per scope and user like the ledger's, and sha256 of the input.
  idempotency_scope text not null check (idempotency_scope like 'client:_%' and length(idempotency_scope) <= 210),
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  request_hash text not null,
  captured_credits bigint check (captured_credits is null or captured_credits between 1 and amount),
  capture_idempotency_key text check (capture_idempotency_key is null or length(capture_idempotency_key) between 1 and 255),
  capture_request_hash text,
  capture_entry_id bigint unique references credit_ledger (id),
  created_at timestamptz not null default clock_timestamp(),
  finished_at timestamptz,
  check ((status = 'captured') = (captured_credits is not null)),
  check ((status = 'active') = (finished_at is null))
);

create unique index credit_holds_idempotency_index on credit_holds (idempotency_scope, user_id, idempotency_key);
create index credit_holds_active_index on credit_holds (user_id) where status = 'active';
create index credit_holds_expiring_index on credit_holds (expires_at) where status = 'active';
create index credit_holds_user_index on credit_holds (user_id, id desc);
