-- The credit ledger: one append-only row per credit movement. The only writer is
-- apply_credit_movement (functions/ledger.sql), which locks the user's row, writes the ledger row
-- and the balance in one transaction, and makes every movement with an idempotency key happen at
-- most once. The append-only triggers live in functions/ledger.sql, beside their function.

create table credit_ledger (
  id bigint generated always as identity primary key,
  user_id text not null references users (id),
  delta bigint not null check (delta <> 0 and abs(delta) <= 9007199254740991),
  balance_after bigint not null check (abs(balance_after) <= 9007199254740991),
  kind text not null check (kind in ('purchase', 'refund', 'dispute', 'dispute_won', 'adjustment', 'spend')),
  reason text check (reason is null or length(reason) <= 500),
  actor text not null check (length(actor) between 1 and 200),
  idempotency_key text unique check (idempotency_key is null or length(idempotency_key) between 1 and 255),
  -- sha256 of the movement's input: same key with another input is a conflict, never a second effect.
  request_hash text check ((idempotency_key is null) = (request_hash is null)),
  source_type text check (source_type is null or length(source_type) <= 40),
  source_id text check (source_id is null or length(source_id) <= 255),
  purchase_session_id text,
  created_at timestamptz not null default clock_timestamp(),
  -- Purchases add, spends take, clawbacks take, a won dispute gives back; adjustments go either way.
  check (
    (kind in ('purchase', 'dispute_won') and delta > 0)
    or (kind in ('spend', 'refund', 'dispute') and delta < 0)
    or kind = 'adjustment'
  )
);

create index credit_ledger_user_index on credit_ledger (user_id, id desc);
create index credit_ledger_created_at_index on credit_ledger (created_at);
create index credit_ledger_kind_index on credit_ledger (kind, id desc);
create index credit_ledger_actor_index on credit_ledger (actor, id desc);
