-- What the console's payment pages read: the admins' Stripe event log and the user's receipts.
--
-- stripe_events gains what the log filters and shows: how processing ended as one word
-- (outcome_kind: the words of `stripeEventOutcomes` in server/vocabulary.ts; `outcome` keeps the
-- sentence), the purchase and user the event concerned, and the event's JSON. Events were not
-- stored before this migration: from now on the payload is kept when its JSON text is at most
-- 64 KiB (the route stores a marker instead of a larger one), and older rows have none. A
-- redelivery of a processed event is counted in `deliveries` (a duplicate), not a row of its own.
alter table stripe_events
  add column outcome_kind text check (outcome_kind in ('processed', 'ignored', 'refused', 'flagged', 'failed')),
  add column purchase_session_id text check (length(purchase_session_id) <= 255),
  add column user_id text check (length(user_id) <= 255),
  add column payload jsonb check (payload is null or octet_length(payload::text) <= 65536);

-- The rows recorded before: their kind follows from the outcome sentence they were written with
-- (functions/stripe_events.sql and the webhook route wrote "ignored: ...", "refused: ...",
-- "flagged: ...", "failed").
update stripe_events set outcome_kind = case
    when last_error is not null or outcome = 'failed' then 'failed'
    when outcome like 'ignored:%' then 'ignored'
    when outcome like 'refused:%' then 'refused'
    when outcome like 'flagged:%' then 'flagged'
    when processed_at is not null then 'processed'
  end;

-- The log is read newest first, whole or for one user or purchase.
create index stripe_events_received_index on stripe_events (received_at desc, id desc);
create index stripe_events_user_index on stripe_events (user_id, received_at desc, id desc) where user_id is not null;
create index stripe_events_purchase_index on stripe_events (purchase_session_id) where purchase_session_id is not null;

-- Stripe's receipt page of the purchase's charge, stored once known (fetched when its owner first
-- lists payments: server/billing/findReceiptUrl.ts), so each purchase costs at most one Stripe call.
alter table credit_purchases
  add column receipt_url text check (receipt_url is null or (length(receipt_url) <= 2000 and receipt_url ~ '^https?://'));
