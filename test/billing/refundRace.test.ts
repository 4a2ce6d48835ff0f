import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundTopUp } from '../../server/billing/refundTopUp.ts';
import { isTopupError } from '../../server/errors.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { paidPurchase } from '../support/paidPurchase.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

/**
 * Concurrent refunds of one purchase with different amounts: the unspent check and the reservation
 * are one step under the purchase's lock, so together they never refund more than is unspent. Runs
 * the real refundTopUp against the Stripe sandbox through the SDK, on each database (PostgreSQL with
 * TEST_DATABASE_URL: a pool, so the calls really overlap).
 */
describe.each(storageKindsUnderTest())('concurrent refunds of one purchase on %s', (kind) => {
  let server: TestTopup;
  beforeAll(async () => {
    server = await startTestTopup({ kind });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refunds at most the unspent credits when 20 refunds of different amounts race', async () => {
    // Proves the race is gone: 500 credits bought for 500 cents, 300 spent; 20 concurrent refunds of 100..195 credits: Stripe refunds at most 200 cents.
    const userId = 'user_refundrace';
    const { sessionId, paymentIntentId } = await paidPurchase(server, userId, 500);
    const spent = await server.graphql(
      'mutation { spendCredits(input: { userId: "user_refundrace", amount: 300, reason: "usage", idempotencyKey: "race-spend" }) { balanceAfter } }',
      { token: testServiceKey },
    );
    expect(spent.body.errors).toBeUndefined();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        refundTopUp({ storage: server.storage, stripe: server.topup.stripe, sessionId, credits: 100 + index * 5, actor: `user_admin${index}` }).then(
          (result) => ({ ok: true as const, credits: result.credits, amountMinor: result.amountMinor }),
          (error: unknown) => {
            if (!isTopupError(error)) throw error;
            return { ok: false as const, code: error.code };
          },
        ),
      ),
    );
    await server.webhooksDelivered();
    const refunds = await server.topup.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 });
    const refundedMinor = refunds.data.reduce((total, refund) => total + refund.amount, 0);
    const succeeded = outcomes.filter((outcome) => outcome.ok);
    expect(refundedMinor).toBeLessThanOrEqual(200);
    expect(refundedMinor).toBe(succeeded.reduce((total, outcome) => total + (outcome.ok ? outcome.amountMinor : 0), 0));
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(outcomes.filter((outcome) => !outcome.ok).every((outcome) => !outcome.ok && outcome.code === 'BAD_USER_INPUT')).toBe(true);
    const rows = await server.database!.query<{ credits: string | number }>('select credits from users where id = $1', [userId]);
    expect(Number(rows[0]!.credits)).toBeGreaterThanOrEqual(0);
    expect((await server.topup.ledger.verify()).problems).toEqual([]);
  });

  it('quotes through GraphQL the amount refundTopUp then refunds, before anything is reserved', async () => {
    // Proves Purchase.refundableAmountMinor follows the reservation's rule through GraphQL: 100 credits bought for 100 cents, 97 spent: all 3 left quote 3 cents, 1 quotes 1, 4 (past the unspent) quotes null; the refund of 1 refunds the quoted cent, and afterwards 2 are left, quoted 2.
    const { sessionId } = await paidPurchase(server, 'user_refundquote', 100);
    const admin = await server.devToken({ userId: 'user_quoteadmin', role: 'admin' });
    const quote = async (credits: number | null) => {
      const answer = await server.graphql<{ purchase: { refundableAmountMinor: number | null; refundableCredits: number } }>(
        'query ($id: ID!, $credits: SafeInt) { purchase(sessionId: $id) { refundableCredits refundableAmountMinor(credits: $credits) } }',
        { token: admin, variables: { id: sessionId, credits } },
      );
      expect(answer.body.errors).toBeUndefined();
      return answer.body.data!.purchase;
    };
    await server.graphql('mutation { spendCredits(input: { userId: "user_refundquote", amount: 97, reason: "usage", idempotencyKey: "quote-spend" }) { balanceAfter } }', { token: testServiceKey });
    expect(await quote(null)).toEqual({ refundableCredits: 3, refundableAmountMinor: 3 });
    expect((await quote(1)).refundableAmountMinor).toBe(1);
    expect((await quote(4)).refundableAmountMinor).toBeNull();
    const refund = await refundTopUp({ storage: server.storage, stripe: server.topup.stripe, sessionId, credits: 1, actor: 'user_quoteadmin' });
    expect(refund.amountMinor).toBe(1);
    await server.webhooksDelivered();
    expect(await quote(2)).toEqual({ refundableCredits: 2, refundableAmountMinor: 2 });
    const unknown = await server.graphql('{ purchase(sessionId: "cs_made_up") { sessionId } }', { token: admin });
    expect(unknown.body).toEqual({ data: { purchase: null } });
  });

  it("makes one refund of a double-click, and a new one after Stripe's event", async () => {
    // Proves the Stripe key is derived from the reservation: two identical calls at once give one refund id; the next refund after the event gets its own.
    const userId = 'user_doubleclick';
    const { sessionId, paymentIntentId } = await paidPurchase(server, userId, 100);
    const [first, second] = await Promise.all([
      refundTopUp({ storage: server.storage, stripe: server.topup.stripe, sessionId, credits: 30, actor: 'user_admin' }),
      refundTopUp({ storage: server.storage, stripe: server.topup.stripe, sessionId, credits: 30, actor: 'user_adminother' }),
    ]);
    expect(second.refundId).toBe(first.refundId);
    await server.webhooksDelivered();
    const after = await refundTopUp({ storage: server.storage, stripe: server.topup.stripe, sessionId, credits: 70, actor: 'user_admin' });
    expect(after.amountMinor).toBe(70);
    await server.webhooksDelivered();
    const refunds = await server.topup.stripe.refunds.list({ payment_intent: paymentIntentId });
    expect(refunds.data.map((refund) => refund.amount).sort((a, b) => a - b)).toEqual([30, 70]);
  });
});
