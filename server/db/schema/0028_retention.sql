-- Retention (functions/retention.sql, run by server/retention/scheduleRetention.ts): what the job
-- needs to remove old outbox rows without a scan per row, and to find the Stripe payloads it empties
-- without walking every event ever received.
--
-- Deleting a webhook event makes PostgreSQL look for deliveries that still reference it (the
-- foreign key's check, once per deleted event). The unique (event_id, endpoint_id) index is partial
-- (originals only: replay_of is null), so that check cannot use it and would scan the whole of
-- webhook_deliveries for every event deleted. One more index entry per delivery written.
create index webhook_deliveries_event_index on webhook_deliveries (event_id);

-- Likewise deleting a delivery looks for its replays (replay_of). Replays are few: a partial index.
create index webhook_deliveries_replay_index on webhook_deliveries (replay_of) where replay_of is not null;

-- The Stripe events whose JSON is still stored, by when they arrived: an emptied row leaves this
-- index, so each run reads only what it may empty.
create index stripe_events_payload_index on stripe_events (received_at) where payload is not null;

-- When retention removed the event's JSON (null: stored, or never stored). The row stays: it is
-- the exactly-once record and the event log's outcome.
alter table stripe_events add column payload_removed_at timestamptz;
