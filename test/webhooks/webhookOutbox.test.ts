import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { createManualWebhookClock } from '../support/manualWebhookClock.ts';
import { startWebhookReceiver, type ReceivedWebhook } from '../support/webhookReceiver.ts';
import { generateWebhookSecret } from '../../server/webhooks/generateWebhookSecret.ts';
import { createWebhookWorker } from '../../server/webhooks/createWebhookWorker.ts';
import { createLogger } from '../../server/log.ts';

const secret = generateWebhookSecret();
const adjust = 'mutation ($input: AdjustCreditsInput!) { adjustCredits(input: $input) { id balanceAfter } }';
const spend = 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id balanceAfter } }';
const reserve = 'mutation ($input: ReserveCreditsInput!) { reserveCredits(input: $input) { id status } }';
const release = 'mutation ($input: ReleaseCreditsInput!) { releaseCredits(input: $input) { id status } }';

/**
 * Verifies with the reference library, not with the code under test, at the attempt's own time (the
 * outbox's clock is moved, and the library refuses timestamps more than 5 minutes from its clock).
 */
function verify(delivery: ReceivedWebhook, withSecret = secret): unknown {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Number(delivery.headers['webhook-timestamp']) * 1000);
    return new Webhook(withSecret).verify(delivery.body, delivery.headers);
  } finally {
    vi.useRealTimers();
  }
}

describe.each(storageKindsUnderTest())('the webhook outbox on %s', (kind) => {
  let server: TestTopup;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let admin = '';
  const clock = createManualWebhookClock();
  const events = async (userId: string) =>
    (await server.database!.query<{ type: string }>('select type from webhook_events where user_id = $1 order by id', [userId])).map((row) => row.type);
  const deliverAll = async () => {
    while ((await server.topup.webhookWorker.runOnce()) > 0);
  };
  const ofUser = (userId: string) => receiver.received.filter((delivery) => delivery.json.data.userId === userId);

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestTopup({ kind, webhookClock: clock, environment: { APP_WEBHOOK_URL: receiver.url, APP_WEBHOOK_SECRET: secret } });
    admin = await server.devToken({ userId: 'user_admin', role: 'admin' });
  });

  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('announces each movement once, signed, with its entry, and balance.low once per crossing', async () => {
    // Proves the outbox end to end: an adjustment, spends and a paid purchase each make one event, delivered once with the Standard Webhooks headers and a body verified by the reference library; 150 -> 90 -> 80 crosses 100 once.
    const userId = 'user_Outbox1';
    await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) });
    const adjusted = await server.graphql<{ adjustCredits: { id: string } }>(adjust, { token: admin, variables: { input: { userId, delta: 150, reason: 'opening', idempotencyKey: 'o1' } } });
    await server.graphql(spend, { token: testServiceKey, variables: { input: { userId, amount: 60, reason: 'use', idempotencyKey: 's1' } } });
    await server.graphql(spend, { token: testServiceKey, variables: { input: { userId, amount: 10, reason: 'use', idempotencyKey: 's2' } } });
    await deliverAll();
    const delivered = ofUser(userId);
    expect(delivered.map((delivery) => delivery.json.type)).toEqual(['credits.adjusted', 'credits.spent', 'balance.low', 'credits.spent']);
    for (const delivery of delivered) expect(verify(delivery)).toEqual(delivery.json);
    expect(new Set(delivered.map((delivery) => delivery.headers['webhook-id'])).size).toBe(4);
    expect(delivered[0]!.json.data).toMatchObject({ userId, entryId: adjusted.body.data!.adjustCredits.id, delta: 150, balanceAfter: 150, kind: 'adjustment', reason: 'opening' });
    expect(delivered[2]!.json.data).toMatchObject({ userId, balance: 90, thresholdCredits: 100 });
    expect(Date.parse(delivered[0]!.json.timestamp)).not.toBeNaN();
    const statuses = await server.database!.query<{ status: string }>(`select d.status from webhook_deliveries d join webhook_events v on v.id = d.event_id where v.user_id = $1`, [userId]);
    expect(statuses.every((row) => row.status === 'succeeded')).toBe(true);

    const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>('mutation { createCreditTopUpSession(input: { credits: 500 }) { sessionId } }', { token: await server.devToken({ userId }) });
    const sessionId = created.body.data!.createCreditTopUpSession.sessionId;
    await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'paid' });
    await server.webhooksDelivered();
    await deliverAll();
    const granted = ofUser(userId).filter((delivery) => delivery.json.type === 'credits.granted');
    expect(granted.map((delivery) => delivery.json.data)).toEqual([expect.objectContaining({ userId, delta: 500, balanceAfter: 580, kind: 'purchase', sessionId })]);
  });

  it('announces nothing for a movement that rolls back', async () => {
    // Proves the event is written in the movement's transaction: a grant inside a transaction that then fails leaves no event, and a refused spend none either.
    const userId = 'user_OutboxRollback';
    await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) });
    await expect(
      server.database!.transaction(async (transaction) => {
        await transaction.query(`select grant_credits('${userId}', 5, 'adjustment', 'x', 'system', 'rollback:1')`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const refused = await server.graphql(spend, { token: testServiceKey, variables: { input: { userId, amount: 1, idempotencyKey: 'r1' } } });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_CREDITS');
    expect(await events(userId)).toEqual([]);
  });

  it('retries on the schedule with the same webhook-id, and redelivers what a dead worker claimed', async () => {
    // Proves backoff on a moved clock (nothing before 5 s, then again; nothing before 5 min, then again) and that an expired claim (a killed instance) is delivered again, same webhook-id.
    const userId = 'user_OutboxRetry';
    await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) });
    receiver.answer(500);
    await server.graphql(adjust, { token: admin, variables: { input: { userId, delta: 500, reason: 'retry', idempotencyKey: 'rt1' } } });
    expect(await server.topup.webhookWorker.runOnce()).toBe(1);
    expect(await server.topup.webhookWorker.runOnce()).toBe(0);
    clock.advance(5_600);
    expect(await server.topup.webhookWorker.runOnce()).toBe(1);
    clock.advance(4 * 60_000);
    expect(await server.topup.webhookWorker.runOnce()).toBe(0);
    clock.advance(1.6 * 60_000);
    receiver.answer(200);
    expect(await server.topup.webhookWorker.runOnce()).toBe(1);
    const attempts = ofUser(userId);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);
    const [row] = await server.database!.query<{ status: string; attempts: number }>(`select d.status, d.attempts from webhook_deliveries d join webhook_events v on v.id = d.event_id where v.user_id = $1`, [userId]);
    expect(row).toEqual({ status: 'succeeded', attempts: 3 });

    await server.graphql(spend, { token: testServiceKey, variables: { input: { userId, amount: 1, idempotencyKey: 'rt2' } } });
    const dead = await server.storage.call<unknown[]>('claim_webhook_deliveries', { p_now: clock.now().toISOString(), p_limit: 10, p_claim_seconds: 40, p_claim_token: 'killed-instance' });
    expect(dead).toHaveLength(1);
    expect(await server.topup.webhookWorker.runOnce()).toBe(0);
    clock.advance(41_000);
    expect(await server.topup.webhookWorker.runOnce()).toBe(1);
    expect(ofUser(userId).filter((delivery) => delivery.json.type === 'credits.spent')).toHaveLength(1);
  });

  it('loses nothing when an instance dies mid-delivery: another delivers it again with the same webhook-id', async () => {
    // Proves at-least-once across a crash: a second worker (another instance) POSTs a delivery and dies before recording it (its fetch never returns to it), so the delivery stays pending under its claim; once the claim expires the server's worker sends it again, same webhook-id and body, both signed, and records it.
    await deliverAll();
    const userId = 'user_OutboxKilled';
    await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) });
    await server.graphql(adjust, { token: admin, variables: { input: { userId, delta: 500, reason: 'killed', idempotencyKey: 'k1' } } });
    const dying = createWebhookWorker({
      storage: server.storage,
      log: createLogger({ level: 'error' }),
      intervalMilliseconds: 0,
      attemptTimeoutMilliseconds: 10_000,
      clock,
      // The POST reaches the receiver, then the process is gone: nothing after it ever runs.
      fetch: async (url, init) => {
        await fetch(url, init);
        return new Promise<Response>(() => undefined);
      },
    });
    void dying.runOnce();
    await vi.waitFor(() => expect(ofUser(userId)).toHaveLength(1));
    const deliveryOf = async () =>
      (await server.database!.query<{ status: string; attempts: number; claimed: boolean }>(
        'select d.status, d.attempts, d.claim_token is not null as claimed from webhook_deliveries d join webhook_events v on v.id = d.event_id where v.user_id = $1',
        [userId],
      ))[0];
    expect(await deliveryOf()).toEqual({ status: 'pending', attempts: 0, claimed: true });
    expect(await server.topup.webhookWorker.runOnce()).toBe(0);
    clock.advance(41_000);
    expect(await server.topup.webhookWorker.runOnce()).toBe(1);
    const attempts = ofUser(userId);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.headers['webhook-id']).toBe(attempts[0]!.headers['webhook-id']);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    for (const attempt of attempts) expect(verify(attempt)).toEqual(attempt.json);
    expect(await deliveryOf()).toEqual({ status: 'succeeded', attempts: 1, claimed: false });
  });

  it('signs with both secrets during a rotation, disables an endpoint on 410, and replays with the same webhook-id', async () => {
    // Proves rotation (both verify within 24 h, only the new after), 410 disabling at once, and replay: a new delivery whose webhook-id is the original's.
    const other = await startWebhookReceiver();
    try {
      const created = await server.graphql<{ createWebhookEndpoint: { endpoint: { id: string }; secret: string } }>(
        'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id url eventTypes enabled } secret } }',
        { token: admin, variables: { input: { url: other.url, eventTypes: ['credits.adjusted'], description: 'second app' } } },
      );
      const { endpoint, secret: first } = created.body.data!.createWebhookEndpoint;
      const rotated = await server.graphql<{ rotateWebhookEndpointSecret: { secret: string } }>('mutation ($id: ID!) { rotateWebhookEndpointSecret(id: $id) { secret } }', { token: admin, variables: { id: endpoint.id } });
      const second = rotated.body.data!.rotateWebhookEndpointSecret.secret;
      const userId = 'user_OutboxRotate';
      await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) });
      await server.graphql(adjust, { token: admin, variables: { input: { userId, delta: 500, reason: 'a', idempotencyKey: 'ro1' } } });
      await deliverAll();
      expect(other.received).toHaveLength(1);
      expect(verify(other.received[0]!, first)).toBeTruthy();
      expect(verify(other.received[0]!, second)).toBeTruthy();
      clock.advance(25 * 3_600_000);
      await server.graphql(adjust, { token: admin, variables: { input: { userId, delta: 5, reason: 'b', idempotencyKey: 'ro2' } } });
      await deliverAll();
      expect(other.received).toHaveLength(2);
      expect(verify(other.received[1]!, second)).toBeTruthy();
      expect(() => verify(other.received[1]!, first)).toThrow();

      const deliveries = await server.graphql<{ webhookDeliveries: { edges: Array<{ node: { id: string; webhookId: string; status: string } }> } }>(
        'query ($filter: WebhookDeliveryFilter) { webhookDeliveries(filter: $filter, first: 5) { edges { node { id webhookId endpointId eventType status attempts lastStatusCode createdAt } } } }',
        { token: admin, variables: { filter: { endpointId: endpoint.id, status: 'succeeded' } } },
      );
      const latest = deliveries.body.data!.webhookDeliveries.edges[0]!.node;
      const replayed = await server.graphql<{ replayWebhookDelivery: { id: string; webhookId: string; status: string } }>('mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id webhookId status } }', { token: admin, variables: { id: latest.id } });
      expect(replayed.body.data!.replayWebhookDelivery).toEqual({ id: expect.not.stringMatching(`^${latest.id}$`), webhookId: latest.webhookId, status: 'pending' });
      other.answer(410);
      await deliverAll();
      expect(other.received.at(-1)!.headers['webhook-id']).toBe(latest.webhookId);
      const listed = await server.graphql<{ webhookEndpoints: Array<{ id: string; enabled: boolean; disabledReason: string | null }> }>('{ webhookEndpoints { id enabled disabledReason } }', { token: admin });
      expect(listed.body.data!.webhookEndpoints.find((row) => row.id === endpoint.id)).toEqual({ id: endpoint.id, enabled: false, disabledReason: 'gone' });
    } finally {
      await other.close();
    }
  });

  it('refuses endpoint URLs with credentials or another scheme', async () => {
    // Proves URL validation at the API: ftp and user:password URLs are BAD_USER_INPUT and nothing is created.
    for (const url of ['ftp://example.com/hook', 'https://user:pass@example.com/hook']) {
      const result = await server.graphql('mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }', { token: admin, variables: { input: { url } } });
      expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it.runIf(kind === 'postgres')('gives exactly one balance.low when concurrent spends cross together', async () => {
    // Proves the armed state under the user's row lock: 20 concurrent spends of 10 from 200 with a threshold of 150 cross it once.
    const userId = 'user_OutboxBurst';
    await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) });
    const set = await server.graphql<{ setLowBalanceThreshold: { lowBalanceCredits: number } }>('mutation { setLowBalanceThreshold(input: { userId: "user_OutboxBurst", credits: 150 }) { lowBalanceCredits } }', { token: testServiceKey });
    expect(set.body.data!.setLowBalanceThreshold.lowBalanceCredits).toBe(150);
    await server.graphql(adjust, { token: admin, variables: { input: { userId, delta: 200, reason: 'burst', idempotencyKey: 'b0' } } });
    await Promise.all(Array.from({ length: 20 }, (_, index) => server.graphql(spend, { token: testServiceKey, variables: { input: { userId, amount: 10, idempotencyKey: `b${index + 1}` } } })));
    const types = await events(userId);
    expect(types.filter((type) => type === 'balance.low')).toHaveLength(1);
    expect(types.filter((type) => type === 'balance.depleted')).toHaveLength(1);
    expect(types.filter((type) => type === 'credits.spent')).toHaveLength(20);
  });

  it.runIf(kind === 'postgres')('gives one balance.low per crossing of available credits when spends and holds race, in any order', async () => {
    // Proves the alerts judge available credits at commit, one user at a time: 300 credits, threshold 150; 10 spends and 10 holds of 10 sent at once in shuffled order cross once (available 100); releasing the holds at once re-arms (200); another 10 holds and 10 spends of 10 cross again (0 available): a second balance.low and one balance.depleted.
    const userId = 'user_OutboxRace';
    await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) });
    await server.graphql('mutation { setLowBalanceThreshold(input: { userId: "user_OutboxRace", credits: 150 }) { lowBalanceCredits } }', { token: testServiceKey });
    await server.graphql(adjust, { token: admin, variables: { input: { userId, delta: 300, reason: 'race', idempotencyKey: 'race0' } } });
    const shuffled = <Item,>(items: Item[]) => items.map((item) => ({ item, order: Math.random() })).sort((a, b) => a.order - b.order).map(({ item }) => item);
    const burst = (round: number) =>
      shuffled([
        ...Array.from({ length: 10 }, (_, index) => () => server.graphql(spend, { token: testServiceKey, variables: { input: { userId, amount: 10, idempotencyKey: `race${round}s${index}` } } })),
        ...Array.from({ length: 10 }, (_, index) =>
          () => server.graphql<{ reserveCredits: { id: string } }>(reserve, { token: testServiceKey, variables: { input: { userId, amount: 10, idempotencyKey: `race${round}h${index}`, expiresInSeconds: 600 } } })),
      ]);
    const alerts = async () => (await events(userId)).filter((type) => type.startsWith('balance.'));
    const first = await Promise.all(burst(1).map((send) => send()));
    expect(first.every((result) => result.body.errors === undefined)).toBe(true);
    expect(await alerts()).toEqual(['balance.low']);
    const holdIds = first.map((result) => (result.body.data as { reserveCredits?: { id: string } }).reserveCredits?.id).filter((id) => id !== undefined);
    expect(holdIds).toHaveLength(10);
    await Promise.all(holdIds.map((holdId) => server.graphql(release, { token: testServiceKey, variables: { input: { holdId } } })));
    const [state] = await server.database!.query<{ low_armed: boolean }>('select low_armed from balance_alert_states where user_id = $1', [userId]);
    expect(state!.low_armed).toBe(true);
    const second = await Promise.all(burst(2).map((send) => send()));
    expect(second.every((result) => result.body.errors === undefined)).toBe(true);
    expect(await alerts()).toEqual(['balance.low', 'balance.low', 'balance.depleted']);
  });
});
