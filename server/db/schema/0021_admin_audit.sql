-- The admin audit log (docs/audit.md): one row per successful admin mutation, and per service
-- mutation that no ledger or hold row records with its actor, written by run_audited()
-- (functions/audit.sql) in the same transaction as the mutation's effect; and, marked refused, an
-- admin's mutation that was refused, written after its transaction rolled back. Append-only.

create table audit_log (
  id bigint generated always as identity primary key,
  -- An admin's user id, or a service's name.
  actor text not null check (length(actor) between 1 and 200),
  -- The GraphQL Mutation field that was called (adjustCredits, rotateWebhookEndpointSecret, ...).
  action text not null check (action ~ '^[A-Za-z_][A-Za-z0-9_]{0,99}$'),
  -- The user the mutation was about; null for those about no user (webhook endpoints, deliveries).
  user_id text check (user_id is null or length(user_id) between 1 and 200),
  -- True: the mutation was refused and changed nothing; result is then { error: { code, message } }.
  refused boolean not null default false,
  -- What the caller asked and what the mutation answered, secrets redacted.
  input jsonb not null,
  result jsonb not null,
  -- The HTTP request's id (x-request-id), to find its log lines.
  request_id text not null check (length(request_id) between 1 and 200),
  created_at timestamptz not null default clock_timestamp()
);

-- The filters of auditLog, each newest first.
create index audit_log_user_index on audit_log (user_id, id desc) where user_id is not null;
create index audit_log_actor_index on audit_log (actor, id desc);
create index audit_log_action_index on audit_log (action, id desc);
create index audit_log_created_at_index on audit_log (created_at);
