import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, testAdminUserId, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { paidPurchase } from '../support/paidPurchase.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

/**
 * The money bugs of the security review, end to end through GraphQL, the real Stripe SDK against
 * the sandbox and its signed webhooks: a client's idempotency key can no longer take a purchase's or
 * a clawback's, every dispute status claws back or restores as it should, and a refund's ledger line
 * shows that refund's money in the currency's decimals.
 */
describe.each(storageKindsUnderTest())('money bugs of the security review on %s', (kind) => {
  let server: TestTopup;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    adminToken = await server.devToken({ userId: testAdminUserId, role: 'admin' });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function spend(userId: string, amount: number, idempotencyKey: string, token = testServiceKey) {
    return server.graphql<{ spendCredits: { id: string; balanceAfter: number } }>(
      'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id balanceAfter } }',
      { token, variables: { input: { userId, amount, reason: 'usage', idempotencyKey } } },
    );
  }

  async function purchaseEntries(sessionId: string): Promise<Array<{ kind: string; delta: number; reason: string }>> {
    const rows = await server.database!.query<{ kind: string; delta: string | number; reason: string }>(
      'select kind, delta, reason from credit_ledger where purchase_session_id = $1 order by id',
      [sessionId],
    );
    return rows.map((row) => ({ kind: row.kind, delta: Number(row.delta), reason: row.reason }));
  }

  async function balanceOf(userId: string): Promise<number> {
    const rows = await server.database!.query<{ credits: string | number }>('select credits from users where id = $1', [userId]);
    return Number(rows[0]?.credits ?? 0);
  }

  async function refund(sessionId: string, credits: number) {
    const result = await server.graphql<{ refundTopUp: { amountMinor: number; credits: number } }>(
      'mutation ($id: ID!, $credits: SafeInt) { refundTopUp(input: { sessionId: $id, credits: $credits }) { amountMinor credits } }',
      { token: adminToken, variables: { id: sessionId, credits } },
    );
    expect(result.body.errors).toBeUndefined();
    await server.webhooksDelivered();
    return result.body.data!.refundTopUp;
  }

  it('grants a purchase and claws back its refund although a service spent with their keys first', async () => {
    // Proves client keys never meet system keys: spends keyed `purchase:<session>` and `clawback:<session>:1`
    // (the old code then answered IDEMPOTENCY_CONFLICT to the grant and to the refund) leave the grant and the clawback to Topup.
    const userId = 'user_keysquatter';
    const token = await server.devToken({ userId });
    const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>(
      'mutation { createCreditTopUpSession(input: { credits: 100 }) { sessionId } }',
      { token },
    );
    const sessionId = created.body.data!.createCreditTopUpSession.sessionId;
    await server.topup.ledger.grant({ userId, credits: 10, kind: 'adjustment', reason: 'opening', actor: 'system', idempotencyKey: `test:opening:${userId}` });
    const squatPurchase = await spend(userId, 1, `purchase:${sessionId}`);
    const squatClawback = await spend(userId, 1, `clawback:${sessionId}:1`);
    expect(squatPurchase.body.errors).toBeUndefined();
    expect(squatClawback.body.errors).toBeUndefined();

    await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'paid' });
    await server.webhooksDelivered();
    const topUp = await server.graphql<{ topUp: { status: string; creditsGranted: number } }>(
      'query ($id: ID!) { topUp(sessionId: $id) { status creditsGranted } }',
      { token, variables: { id: sessionId } },
    );
    expect(topUp.body.errors).toBeUndefined();
    expect(topUp.body.data!.topUp).toEqual({ status: 'PAID', creditsGranted: 100 });
    expect(await balanceOf(userId)).toBe(108);

    expect(await refund(sessionId, 40)).toEqual({ amountMinor: 40, credits: 40 });
    expect(await purchaseEntries(sessionId)).toEqual([
      { kind: 'purchase', delta: 100, reason: 'Bought 100 credits' },
      { kind: 'refund', delta: -40, reason: 'Refund of 0.40 USD: 40 credits taken back' },
    ]);
    expect(await balanceOf(userId)).toBe(68);

    // The same service, user, key and input replay; another input conflicts; an admin's same key is its own.
    const replay = await spend(userId, 1, `purchase:${sessionId}`);
    expect(replay.body.data!.spendCredits.id).toBe(squatPurchase.body.data!.spendCredits.id);
    const conflict = await spend(userId, 2, `purchase:${sessionId}`);
    expect(conflict.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    const byAdmin = await spend(userId, 2, `purchase:${sessionId}`, adminToken);
    expect(byAdmin.body.errors).toBeUndefined();
    expect(await balanceOf(userId)).toBe(66);
    expect((await server.topup.ledger.verify()).problems).toEqual([]);
  });

  it('writes each refund line with its own amount in the currency\'s decimals', async () => {
    // Proves the refund line shows this refund (the change since the last refund line), not the cumulative total, and as 0.40 USD, not 40 USD.
    const userId = 'user_refundlines';
    const { sessionId } = await paidPurchase(server, userId, 250);
    await refund(sessionId, 40);
    await refund(sessionId, 110);
    expect((await purchaseEntries(sessionId)).map((entry) => entry.reason)).toEqual([
      'Bought 250 credits',
      'Refund of 0.40 USD: 40 credits taken back',
      'Refund of 1.10 USD: 110 credits taken back',
    ]);
  });

  /** Each status of Stripe's Dispute.Status: whether the credits end clawed back (true) or restored. */
  const clawedBackByStatus: Array<[string, boolean]> = [
    ['warning_needs_response', true],
    ['warning_under_review', true],
    ['warning_closed', false],
    ['needs_response', true],
    ['under_review', true],
    ['won', false],
    ['lost', true],
    ['prevented', false],
    ['appeal_needs_response', true],
    ['appeal_under_review', true],
  ];

  it.each(clawedBackByStatus)('dispute %s through the sandbox: clawed back %s', async (status, clawedBack) => {
    // Proves every dispute status, as the sandbox announces it, leaves the credits taken back (open, lost, appealed) or given back (won, warning_closed, prevented).
    const userId = `user_dispute${status.replaceAll('_', '')}`;
    const { sessionId, paymentIntentId } = await paidPurchase(server, userId, 70);
    await server.sandbox(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status });
    await server.webhooksDelivered();
    expect(await balanceOf(userId)).toBe(clawedBack ? 0 : 70);
    const rows = await server.database!.query<{ credits_clawed_back: string | number; dispute_status: string }>(
      'select credits_clawed_back, dispute_status from credit_purchases where session_id = $1',
      [sessionId],
    );
    expect(rows[0]).toMatchObject({ dispute_status: status });
    expect(Number(rows[0]!.credits_clawed_back)).toBe(clawedBack ? 70 : 0);
    expect((await server.topup.ledger.verify()).problems).toEqual([]);
  });

  it('keeps a dispute closed as warning_closed or prevented closed when a late dispute.created arrives', async () => {
    // Proves order independence for the new closing statuses: the open event replayed after the close changes nothing.
    for (const status of ['warning_closed', 'prevented']) {
      const userId = `user_latecreated${status.replaceAll('_', '')}`;
      const { paymentIntentId } = await paidPurchase(server, userId, 60);
      await server.sandbox(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status });
      await server.webhooksDelivered();
      const states = await server.database!.query<{ dispute_id: string }>('select dispute_id from stripe_payment_states where payment_intent_id = $1', [paymentIntentId]);
      const created = await server.storage.call('apply_payment_event', {
        p_event: { id: `evt_late_${status}`, type: 'charge.dispute.created', created: 1_700_000_000, livemode: false },
        p_payment_intent_id: paymentIntentId,
        p_amount_refunded_minor: null,
        p_dispute_id: states[0]!.dispute_id,
        p_dispute_status: 'needs_response',
      });
      expect(created).toMatchObject({ kind: 'payment_recorded' });
      expect((await server.database!.query<{ dispute_status: string }>('select dispute_status from credit_purchases where payment_intent_id = $1', [paymentIntentId]))[0]).toEqual({ dispute_status: status });
      expect(await balanceOf(userId)).toBe(60);
    }
  });
});
