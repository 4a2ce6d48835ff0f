-- The outbound-webhook outbox (docs/webhooks.md): endpoints with their signing secrets, the events
-- Topup announces (written by triggers in the same transaction as the change that caused them,
-- functions/webhooks.sql), one delivery per (event, endpoint) that the workers of every instance
-- share, and the per-user low-balance state.

create table webhook_endpoints (
  id text primary key default ('we_' || replace(gen_random_uuid()::text, '-', ''))
    check (id ~ '^[A-Za-z0-9_]{1,64}$'),
  url text not null check (length(url) between 1 and 2000 and url ~ '^https?://'),
  -- Empty: every event type.
  event_types text[] not null default '{}',
  description text not null default '' check (length(description) <= 500),
  enabled boolean not null default true,
  -- Why it was switched off: 'admin', 'gone' (HTTP 410) or 'failing' (five days of failures).
  disabled_reason text check (disabled_reason is null or disabled_reason in ('admin', 'gone', 'failing')),
  -- The first failed attempt since the last success: five days later the endpoint is disabled.
  failing_since timestamptz,
  -- whsec_<base64>. Kept only here: no read returns it (see docs/webhooks.md, "Secrets").
  secret text not null check (secret ~ '^whsec_[A-Za-z0-9+/=]{16,}$'),
  -- The secret before the last rotation, which still signs until previous_secret_expires_at.
  previous_secret text check (previous_secret is null or previous_secret ~ '^whsec_[A-Za-z0-9+/=]{16,}$'),
  previous_secret_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table webhook_events (
  id bigint generated always as identity primary key,
  -- The Standard Webhooks message id: the same on every attempt and every replay.
  webhook_id text not null unique default ('msg_' || replace(gen_random_uuid()::text, '-', '')),
  type text not null check (type ~ '^[a-z_]+\.[a-z_]+$'),
  user_id text references users (id),
  -- The body sent: { type, timestamp, data }.
  payload jsonb not null,
  created_at timestamptz not null default clock_timestamp()
);
create index webhook_events_user_index on webhook_events (user_id, id desc);

create table webhook_deliveries (
  id bigint generated always as identity primary key,
  event_id bigint not null references webhook_events (id),
  endpoint_id text not null references webhook_endpoints (id) on delete cascade,
  -- pending: to attempt (again); succeeded: a 2xx; failed: the retries ran out.
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default clock_timestamp(),
  -- A worker's claim; past claimed_until (a killed instance) any worker may claim it again.
  claimed_until timestamptz,
  claim_token text,
  last_status_code integer,
  last_error text check (last_error is null or length(last_error) <= 500),
  first_attempt_at timestamptz,
  delivered_at timestamptz,
  -- A replay's original delivery (same event, so the same webhook-id).
  replay_of bigint references webhook_deliveries (id),
  created_at timestamptz not null default clock_timestamp()
);
create unique index webhook_deliveries_event_endpoint_index on webhook_deliveries (event_id, endpoint_id) where replay_of is null;
create index webhook_deliveries_due_index on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_list_index on webhook_deliveries (id desc);
create index webhook_deliveries_endpoint_index on webhook_deliveries (endpoint_id, id desc);

-- Per user: the low-balance threshold (null: the default of webhook_settings) and whether the
-- next crossing below it announces balance.low (re-armed at or above it).
create table balance_alert_states (
  user_id text primary key references users (id),
  low_balance_credits bigint check (low_balance_credits between 0 and 9007199254740991),
  low_armed boolean,
  updated_at timestamptz not null default now()
);

-- One row: what the server's config says (LOW_BALANCE_CREDITS), written at boot.
create table webhook_settings (
  singleton boolean primary key default true check (singleton),
  low_balance_credits bigint not null default 100 check (low_balance_credits between 0 and 9007199254740991)
);
insert into webhook_settings default values;
