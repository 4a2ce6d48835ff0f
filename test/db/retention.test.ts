/**
 * Proves the retention job (`runRetention`, SQL `run_retention`) on a real database of each kind:
 * rows written by the real ledger, purchase and outbox functions, then aged in SQL (ids grow with
 * created_at, so the old ones are written first, as in production). Exactly the old finished rows
 * go; pending, recent and record rows stay byte for byte; a second run removes nothing; a run keeps
 * to its batch and round bounds; two runs at once both succeed and remove each row once; a removed
 * delivery answers NOT_FOUND to a replay and is gone from the list; a Stripe event keeps its row
 * and says when its JSON was removed.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { TopupError } from '../../server/errors.ts';
import { ensureUser } from '../../server/ledger/ensureUser.ts';
import { grantCredits } from '../../server/ledger/grantCredits.ts';
import { spendCredits } from '../../server/ledger/spendCredits.ts';
import type { Logger } from '../../server/log.ts';
import { runRetention } from '../../server/retention/runRetention.ts';
import { scheduleRetention } from '../../server/retention/scheduleRetention.ts';
import { createWebhooks } from '../../server/webhooks/createWebhooks.ts';
import { ledgerStorageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';

/** The tables that are the record: retention must leave every row of them as it was. */
const recordTables = [
  'users', 'credit_ledger', 'credit_lots', 'credit_lot_draws', 'credit_holds', 'credit_purchases', 'refund_requests',
  'stripe_payment_states', 'audit_log', 'saved_cards', 'auto_top_up_settings', 'auto_top_up_attempts', 'balance_alert_states',
  'webhook_endpoints', 'ledger_settings',
];

/** Each record table's rows as one digest, so any change to any row shows. */
async function recordDigest(database: SqlDatabase): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const table of recordTables) {
    const [row] = await database.query<{ digest: string }>(
      `select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest from ${table} t`,
    );
    digest[table] = row!.digest;
  }
  return digest;
}

async function ids(database: SqlDatabase, sql: string): Promise<string[]> {
  return (await database.query<{ id: string }>(sql)).map((row) => String(row.id));
}

/** Empties the outbox, so a test's old rows are the oldest (the prunes stop at the first new id). */
async function emptyOutbox(database: SqlDatabase): Promise<void> {
  await database.exec('delete from webhook_deliveries; delete from mail_outbox; delete from webhook_events;');
}

/** `count` events of user_retention_old, each with one delivery, written and settled 100 days ago. */
async function oldSettledEvents(database: SqlDatabase, count: number): Promise<void> {
  await database.query(`select enqueue_webhook_event('credits.spent', 'user_retention_old', '{}') from generate_series(1, $1::int)`, [count]);
  await database.exec(`
    update webhook_events set created_at = now() - interval '100 days';
    update webhook_deliveries set created_at = now() - interval '100 days', status = 'succeeded', attempts = 1,
      delivered_at = now() - interval '100 days';`);
}

const zero = { webhookDeliveries: 0, mails: 0, webhookEvents: 0, stripePayloads: 0, rateLimitWindows: 0 };

describe.each(ledgerStorageKindsUnderTest())('retention on %s', (kind) => {
  const suite = testStorageForSuite(kind);

  it('removes exactly the old finished rows, leaves pending, recent and record rows as they were, and removes nothing the second time', async () => {
    // Proves the selection on every kind of row at once, with the counts the run reports, the rows left by id, a digest of every record table, and a second run's zeros.
    const { storage, database } = suite();
    await database.query(`insert into webhook_endpoints (id, url, secret) values ('we_retention', 'https://app.example/hooks', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=')`);
    // Written first, then aged 100 days: a purchase (receipt), movements, two low-balance crossings.
    await ensureUser(storage, { userId: 'user_retention_old', email: 'old@example.com' });
    await grantCredits(storage, { userId: 'user_retention_old', credits: 500, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: 'retention:grant' });
    await storage.call('record_checkout_session', { p_session_id: 'cs_retention_old', p_user_id: 'user_retention_old', p_credits: 300, p_amount_minor: 300, p_currency: 'usd' });
    await storage.call('settle_checkout_session', {
      p_settlement: { sessionId: 'cs_retention_old', outcome: 'paid', amountPaidMinor: 300, currency: 'usd', paymentIntentId: 'pi_retention_old' },
    });
    await spendCredits(storage, { userId: 'user_retention_old', amount: 750, reason: 'usage', actor: 'system', idempotencyKey: 'retention:spend' });
    await ensureUser(storage, { userId: 'user_retention_pending', email: 'pending@example.com' });
    await grantCredits(storage, { userId: 'user_retention_pending', credits: 500, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: 'retention:grant2' });
    await spendCredits(storage, { userId: 'user_retention_pending', amount: 450, reason: 'usage', actor: 'system', idempotencyKey: 'retention:spend2' });
    const events = await database.query<{ id: string; type: string; delivery: string; mail: string | null }>(
      `select v.id::text, v.type, d.id::text as delivery, m.id::text as mail from webhook_events v
       join webhook_deliveries d on d.event_id = v.id left join mail_outbox m on m.event_id = v.id order by v.id`,
    );
    expect(events.map((event) => [event.type, event.mail !== null])).toEqual([
      ['credits.adjusted', false], ['credits.granted', true], ['credits.spent', false], ['balance.low', true],
      ['credits.adjusted', false], ['credits.spent', false], ['balance.low', true],
    ]);
    const [adjusted, granted, spent, low, , , low2] = events as (typeof events[number] | undefined)[];
    // Every old delivery settled 99 days ago except two: the first given up (failed, so it goes too), the spend's still pending.
    await database.query(`update webhook_events set created_at = now() - interval '100 days'`);
    await database.query(
      `update webhook_deliveries set created_at = now() - interval '100 days', attempts = 1, next_attempt_at = now() - interval '99 days',
         status = case id when $1::bigint then 'failed' when $2::bigint then 'pending' else 'succeeded' end,
         delivered_at = case when id in ($1::bigint, $2::bigint) then null else now() - interval '99 days' end`,
      [adjusted!.delivery, spent!.delivery],
    );
    // The receipt sent and the first low-balance mail failed for good, 99 days ago; the second still pending.
    await database.query(
      `update mail_outbox set created_at = now() - interval '100 days', next_attempt_at = now() - interval '99 days',
         status = case id when $1::bigint then 'sent' when $2::bigint then 'failed' else 'pending' end,
         sent_at = case id when $1::bigint then now() - interval '99 days' end`,
      [granted!.mail, low!.mail],
    );
    // Written now: one pending delivery, one delivered.
    await ensureUser(storage, { userId: 'user_retention_new', email: null });
    await grantCredits(storage, { userId: 'user_retention_new', credits: 10, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: 'retention:new1' });
    await grantCredits(storage, { userId: 'user_retention_new', credits: 10, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: 'retention:new2' });
    const [newPending, newDelivered] = await ids(database, `select id from webhook_deliveries where delivered_at is null and status = 'pending' and created_at > now() - interval '1 hour' order by id`);
    await database.query(`update webhook_deliveries set status = 'succeeded', delivered_at = now() where id = $1`, [newDelivered]);
    await database.exec(`
      insert into stripe_events (id, type, created_at_stripe, received_at, processed_at, outcome_kind, outcome, payload) values
        ('evt_retention_old', 'charge.refunded', now() - interval '100 days', now() - interval '100 days', now() - interval '100 days', 'processed', 'refund recorded', '{"id": "evt_retention_old"}'),
        ('evt_retention_unprocessed', 'charge.refunded', now() - interval '100 days', now() - interval '100 days', null, 'failed', 'failed', '{"id": "evt_retention_unprocessed"}'),
        ('evt_retention_recent', 'charge.refunded', now() - interval '2 days', now() - interval '2 days', now() - interval '2 days', 'processed', 'refund recorded', '{"id": "evt_retention_recent"}');`);
    await storage.call('take_rate_limit', { p_key: 'retention:current', p_limit: 5, p_window_seconds: 60 });
    await database.exec(`insert into rate_limit_windows (key, window_start, hits) values ('retention:ended', now() - interval '2 days', 4)`);
    const before = await recordDigest(database);

    const report = await runRetention(storage, { now: new Date(), retentionDays: 90 });

    expect(report).toEqual({ webhookDeliveries: 6, mails: 2, webhookEvents: 5, stripePayloads: 1, rateLimitWindows: 1, rounds: 1, stoppedAtBound: false });
    expect(await ids(database, 'select id from webhook_deliveries order by id')).toEqual([spent!.delivery, newPending, newDelivered]);
    expect(await ids(database, 'select id from mail_outbox order by id')).toEqual([low2!.mail]);
    const newEvents = await ids(database, `select event_id as id from webhook_deliveries where id in (${newPending}, ${newDelivered}) order by id`);
    expect(await ids(database, 'select id from webhook_events order by id')).toEqual([spent!.id, low2!.id, ...newEvents]);
    expect(await database.query('select id, payload is not null as kept, payload_removed_at is not null as removed from stripe_events order by id')).toEqual([
      { id: 'evt_retention_old', kept: false, removed: true },
      { id: 'evt_retention_recent', kept: true, removed: false },
      { id: 'evt_retention_unprocessed', kept: true, removed: false },
    ]);
    expect(await storage.call('find_stripe_event', { p_id: 'evt_retention_old' })).toMatchObject({
      outcome: 'processed', description: 'refund recorded', hasPayload: false, payload: null, payloadRemovedAt: expect.any(String),
    });
    expect(await ids(database, 'select key as id from rate_limit_windows')).toEqual(['retention:current']);
    expect(await recordDigest(database)).toEqual(before);

    expect(await runRetention(storage, { now: new Date(), retentionDays: 90 })).toEqual({ ...zero, rounds: 1, stoppedAtBound: false });
    expect(await recordDigest(database)).toEqual(before);
  });

  it('answers NOT_FOUND to a replay of a removed delivery, and lists only what is left', async () => {
    // Proves what the console and GraphQL see of pruned deliveries: the list no longer has them, and replaying one is the clear NOT_FOUND of an unknown id, not an internal error.
    const { storage, database } = suite();
    await emptyOutbox(database);
    await oldSettledEvents(database, 2);
    const [removed, kept] = await ids(database, 'select id from webhook_deliveries order by id');
    await database.query(`update webhook_deliveries set delivered_at = now() where id = $1`, [kept]);
    expect(await runRetention(storage, { now: new Date(), retentionDays: 90 })).toMatchObject({ webhookDeliveries: 1, webhookEvents: 1 });
    const webhooks = createWebhooks({ storage });
    expect((await webhooks.listDeliveries({})).nodes.map((node) => node.id)).toEqual([kept]);
    const replay = await webhooks.replayDelivery(removed!).then(() => null, (error: unknown) => error);
    expect(replay).toBeInstanceOf(TopupError);
    expect(replay).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`webhook delivery ${removed} not found`) });
  });

  it('takes at most its batch of each kind per round and stops at its bound of rounds, leaving the rest for the next run', async () => {
    // Proves the bounds: 7 old deliveries with rounds of 3 and at most 2 rounds remove 6 and say the run stopped at its bound; the next run removes the last one in a round that is not full.
    const { storage, database } = suite();
    await emptyOutbox(database);
    await oldSettledEvents(database, 7);
    const bounded = await runRetention(storage, { now: new Date(), retentionDays: 90, batchRows: 3, roundsMax: 2 });
    expect(bounded).toEqual({ ...zero, webhookDeliveries: 6, webhookEvents: 6, rounds: 2, stoppedAtBound: true });
    expect(await ids(database, 'select count(*) as id from webhook_deliveries')).toEqual(['1']);
    const rest = await runRetention(storage, { now: new Date(), retentionDays: 90, batchRows: 3, roundsMax: 2 });
    expect(rest).toEqual({ ...zero, webhookDeliveries: 1, webhookEvents: 1, rounds: 1, stoppedAtBound: false });
  });

  it('keeps every outbox row and payload with RETENTION_DAYS=0, and still removes ended rate-limit windows', async () => {
    // Proves 0 means for ever for the long-retention tables: old settled rows stay, only the ended window goes.
    const { storage, database } = suite();
    await emptyOutbox(database);
    await oldSettledEvents(database, 2);
    await database.exec(`insert into rate_limit_windows (key, window_start, hits) values ('retention:zero', now() - interval '3 days', 1)`);
    expect(await runRetention(storage, { now: new Date(), retentionDays: 0 })).toEqual({ ...zero, rateLimitWindows: 1, rounds: 1, stoppedAtBound: false });
    expect(await ids(database, 'select count(*) as id from webhook_deliveries')).toEqual(['2']);
  });

  it('runs every RETENTION_SWEEP_SECONDS once scheduled, and logs what it removed', async () => {
    // Proves the job every instance runs: no run before the interval (the fake interval has not moved), one at it that removes the old rows and logs their counts; nothing is logged by a run that removed nothing.
    const { storage, database } = suite();
    await emptyOutbox(database);
    await oldSettledEvents(database, 3);
    const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
    const log: Logger = { log: (level, message, fields) => void lines.push({ level, message, fields }), child: () => log };
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const stop = scheduleRetention({ storage, log, intervalSeconds: 60, retentionDays: 90 });
      await vi.advanceTimersByTimeAsync(59_999);
      expect(await ids(database, 'select count(*) as id from webhook_deliveries')).toEqual(['3']);
      await vi.advanceTimersByTimeAsync(1);
      await vi.waitFor(() => expect(lines.map((line) => line.message)).toEqual(['retention']));
      expect(lines[0]).toMatchObject({ level: 'info', fields: { webhookDeliveries: 3, webhookEvents: 3, rounds: 1, retentionDays: 90 } });
      expect(await ids(database, 'select count(*) as id from webhook_deliveries')).toEqual(['0']);
      await vi.advanceTimersByTimeAsync(60_000);
      await stop();
      expect(lines).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs on two instances at once: both succeed and every row is removed exactly once', async () => {
    // Proves SKIP LOCKED shares the work: two concurrent runs in small rounds both resolve, and what they removed plus what a later run finds adds up to the 60 seeded, with nothing left.
    const { storage, database } = suite();
    await emptyOutbox(database);
    await oldSettledEvents(database, 60);
    const runs = await Promise.allSettled([
      runRetention(storage, { now: new Date(), retentionDays: 90, batchRows: 7 }),
      runRetention(storage, { now: new Date(), retentionDays: 90, batchRows: 7 }),
    ]);
    expect(runs.map((run) => run.status)).toEqual(['fulfilled', 'fulfilled']);
    const [first, second] = runs.map((run) => (run as PromiseFulfilledResult<Awaited<ReturnType<typeof runRetention>>>).value);
    const after = await runRetention(storage, { now: new Date(), retentionDays: 90, batchRows: 7 });
    expect(first!.webhookDeliveries + second!.webhookDeliveries + after.webhookDeliveries).toBe(60);
    expect(first!.webhookEvents + second!.webhookEvents + after.webhookEvents).toBe(60);
    expect(await ids(database, 'select count(*) as id from webhook_events')).toEqual(['0']);
  });
});
