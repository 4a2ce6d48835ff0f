-- The mail outbox (docs/mail.md): one row per mail Topup owes a user, written by a trigger on
-- webhook_events (functions/mail.sql) in the transaction of the event that causes it, and sent by
-- the mail worker of every instance (server/mail/), which claims rows with FOR UPDATE SKIP LOCKED.

create table mail_outbox (
  id bigint generated always as identity primary key,
  -- The event that caused the mail.
  event_id bigint not null references webhook_events (id),
  template text not null
    check (template in ('purchase_receipt', 'purchase_failed', 'balance_low', 'auto_top_up_failed', 'auto_top_up_requires_action')),
  user_id text references users (id),
  -- The user's email when the mail was written; null: none was known, and the mail is skipped.
  recipient text check (recipient is null or (length(recipient) <= 320 and recipient like '%@%')),
  -- What the template shows (credits, amountMinor, currency, sessionId, ...).
  data jsonb not null,
  -- One mail per thing mailed about: 'session:<id>' for a purchase's mails (a purchase settled by
  -- both the webhook and the success page is one receipt), 'event:<id>' otherwise.
  dedupe_key text not null check (length(dedupe_key) between 1 and 300),
  -- pending: to send (again); sent: accepted by the SMTP server (or kept in DATA_DIR);
  -- failed: the retries ran out; skipped: no recipient.
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default clock_timestamp(),
  -- A worker's claim; past claimed_until (a killed instance) any worker may claim it again.
  claimed_until timestamptz,
  claim_token text,
  last_error text check (last_error is null or length(last_error) <= 500),
  sent_at timestamptz,
  created_at timestamptz not null default clock_timestamp(),
  unique (event_id, template),
  unique (template, dedupe_key)
);
create index mail_outbox_due_index on mail_outbox (next_attempt_at) where status = 'pending';
create index mail_outbox_user_index on mail_outbox (user_id, id desc);
