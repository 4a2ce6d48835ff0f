-- Retention (docs/retention.md; the job is server/retention/scheduleRetention.ts, the indexes
-- schema/0028_retention.sql): what Topup keeps only for a while, removed in bounded batches by
-- every instance. Each prune_* removes at most p_limit rows in one statement and returns how many;
-- the rows it takes are locked FOR UPDATE SKIP LOCKED, so instances running at once take different
-- rows and never wait on each other, and a row a worker holds (a claim being recorded, a replay
-- being written) is left for the next run. Nothing pending or in flight is ever removed, and the
-- record (ledger, lots, holds, purchases, refunds, audit log, users, cards, auto top-ups) never is.
--
-- Ids grow with created_at, so each scan stops below the first row created since the cutoff (each
-- prune's v_bound, found by walking the primary key from its start) instead of walking the
-- retention window's rows at every run: what a run reads is what is old, removed or kept (a
-- delivery still pending on a disabled endpoint stays, and is read again by the next run).

-- Deliveries that settled before p_cutoff: succeeded (delivered_at) or failed for good (their last
-- attempt was due at next_attempt_at, which the last record keeps). A delivery a replay points at
-- stays until the replay goes (the replay's foreign key), so chains go from their newest end.
create or replace function prune_webhook_deliveries(p_cutoff timestamptz, p_limit integer) returns integer
language plpgsql as $$
declare
  v_bound bigint := coalesce((select b.id from webhook_deliveries b where b.created_at >= p_cutoff order by b.id limit 1), 9223372036854775807);
  v_count integer;
begin
  delete from webhook_deliveries d
  where d.id in (
    select o.id from webhook_deliveries o
    where o.id < v_bound and o.status in ('succeeded', 'failed')
      and coalesce(o.delivered_at, o.next_attempt_at) < p_cutoff
      and not exists (select 1 from webhook_deliveries r where r.replay_of = o.id)
    order by o.id
    limit p_limit
    for update of o skip locked);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Mail that finished before p_cutoff: sent (sent_at), failed for good (its last attempt was due at
-- next_attempt_at) or skipped (next_attempt_at is when it was written). Removing a receipt does not
-- let it be sent again: a purchase's grant is keyed 'purchase:<session>' in the ledger, which keeps
-- it for ever, so no second credits.granted of that purchase is ever written, and a purchase
-- becomes failed once (statuses only move forward); dedupe_key is the second guard, not the only.
create or replace function prune_mail_outbox(p_cutoff timestamptz, p_limit integer) returns integer
language plpgsql as $$
declare
  v_bound bigint := coalesce((select b.id from mail_outbox b where b.created_at >= p_cutoff order by b.id limit 1), 9223372036854775807);
  v_count integer;
begin
  delete from mail_outbox m
  where m.id in (
    select o.id from mail_outbox o
    where o.id < v_bound and o.status in ('sent', 'failed', 'skipped')
      and coalesce(o.sent_at, o.next_attempt_at) < p_cutoff
    order by o.id
    limit p_limit
    for update of o skip locked);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Events written before p_cutoff that nothing references any more: their deliveries and mail went
-- (prune_webhook_deliveries and prune_mail_outbox first), or there never were any (most events:
-- no endpoint took the type, no mail is owed).
create or replace function prune_webhook_events(p_cutoff timestamptz, p_limit integer) returns integer
language plpgsql as $$
declare
  v_bound bigint := coalesce((select b.id from webhook_events b where b.created_at >= p_cutoff order by b.id limit 1), 9223372036854775807);
  v_count integer;
begin
  delete from webhook_events v
  where v.id in (
    select o.id from webhook_events o
    where o.id < v_bound and o.created_at < p_cutoff
      and not exists (select 1 from webhook_deliveries d where d.event_id = o.id)
      and not exists (select 1 from mail_outbox m where m.event_id = o.id)
    order by o.id
    limit p_limit
    for update of o skip locked);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Empties the JSON of Stripe events processed before p_cutoff and records when (payload_removed_at);
-- the row stays (the exactly-once record, the log's outcome). An event not processed yet keeps it.
create or replace function prune_stripe_event_payloads(p_cutoff timestamptz, p_now timestamptz, p_limit integer) returns integer
language plpgsql as $$
declare
  v_count integer;
begin
  update stripe_events e set payload = null, payload_removed_at = p_now
  where e.id in (
    select o.id from stripe_events o
    where o.payload is not null and o.received_at < p_cutoff and o.processed_at < p_cutoff
    order by o.received_at
    limit p_limit
    for update of o skip locked);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Rate-limit windows that started more than a day before p_now: a window is at most 86,400 s
-- (take_rate_limit refuses longer), so each of them has ended and counts nothing any more.
create or replace function prune_rate_limit_windows(p_now timestamptz, p_limit integer) returns integer
language plpgsql as $$
declare
  v_count integer;
begin
  delete from rate_limit_windows w
  using (
    select o.key, o.window_start from rate_limit_windows o
    where o.window_start < p_now - interval '1 day'
    order by o.window_start
    limit p_limit
    for update of o skip locked) ended
  where w.key = ended.key and w.window_start = ended.window_start;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- One round of retention at p_now, in one transaction: at most p_limit rows of each kind. With
-- p_retention_days 0 (RETENTION_DAYS=0: keep for ever) only ended rate-limit windows go. Deliveries
-- and mail go before events, so an event whose last delivery went in this round goes in it too.
-- Returns { webhookDeliveries, mails, webhookEvents, stripePayloads, rateLimitWindows }: a count
-- equal to p_limit means more may be left.
-- Errors: TU400 (days outside 0..36,500, a limit outside 1..10,000).
create or replace function run_retention(p_now timestamptz, p_retention_days integer, p_limit integer) returns jsonb
language plpgsql as $$
declare
  v_cutoff timestamptz := p_now - make_interval(days => p_retention_days);
  v_deliveries integer := 0;
  v_mails integer := 0;
  v_events integer := 0;
  v_payloads integer := 0;
begin
  if p_now is null or p_retention_days is null or p_retention_days not between 0 and 36500 then
    raise exception using errcode = 'TU400', message = 'retention needs a time and 0 to 36500 days';
  end if;
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception using errcode = 'TU400', message = 'a retention batch is 1 to 10000 rows';
  end if;
  if p_retention_days > 0 then
    v_deliveries := prune_webhook_deliveries(v_cutoff, p_limit);
    v_mails := prune_mail_outbox(v_cutoff, p_limit);
    v_events := prune_webhook_events(v_cutoff, p_limit);
    v_payloads := prune_stripe_event_payloads(v_cutoff, p_now, p_limit);
  end if;
  return jsonb_build_object('webhookDeliveries', v_deliveries, 'mails', v_mails, 'webhookEvents', v_events,
    'stripePayloads', v_payloads, 'rateLimitWindows', prune_rate_limit_windows(p_now, p_limit));
end
$$;
