import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileRefundRequests } from '../../server/billing/reconcileRefundRequests.ts';
import { refundTopUp } from '../../server/billing/refundTopUp.ts';
import { isTopupError } from '../../server/errors.ts';
import { createLogger } from '../../server/log.ts';
import { paidPurchase } from '../support/paidPurchase.ts';
import { startTestTopup, testAdminUserId, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

/**
 * A refund whose answer Stripe never gave back (three 500s: the SDK's two retries exhausted) stays
 * reserved; reconcile settles it from Stripe's own list of refunds. Real refundTopUp, the sandbox
 * through the SDK, signed webhooks.
 */
describe.each(storageKindsUnderTest())('refunds whose answer was lost, on %s', (kind) => {
  let server: TestTopup;
  const log = createLogger({ level: 'error', write: () => undefined });
  beforeAll(async () => {
    server = await startTestTopup({ kind });
  });
  afterAll(async () => {
    await server?.close();
  });

  // The rule refundTopUp applies (functions/refunds.sql): reservations still outstanding count.
  const refundableCredits = async (sessionId: string): Promise<number> => {
    const [row] = await server.database!.query<{ credits: string | number }>(
      'select unspent_refundable_credits(p, u.credits) as credits from credit_purchases p join users u on u.id = p.user_id where p.session_id = $1',
      [sessionId],
    );
    return Number(row?.credits);
  };
  // Purchase.refundableCredits as an admin's console reads it.
  const shownRefundable = async (sessionId: string): Promise<number> => {
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    const read = await server.graphql<{ purchase: { refundableCredits: number } }>('query ($id: ID!) { purchase(sessionId: $id) { refundableCredits } }', {
      token: admin,
      variables: { id: sessionId },
    });
    expect(read.body.errors).toBeUndefined();
    return read.body.data!.purchase.refundableCredits;
  };
  const lostRefund = async (sessionId: string, credits: number) => {
    await server.sandbox('/sandbox/faults', { status: 500, count: 3, paths: '/v1/refunds' });
    const failed = await refundTopUp({ storage: server.storage, stripe: server.topup.stripe, sessionId, credits, actor: testAdminUserId }).catch((error: unknown) => error);
    await server.sandbox('/sandbox/faults/clear');
    expect(isTopupError(failed) && failed.code).toBe('STRIPE_UNAVAILABLE');
    const [request] = await server.database!.query<{ id: string; status: string }>(
      "select id::text, status from refund_requests where session_id = $1 order by id desc limit 1",
      [sessionId],
    );
    expect(request?.status).toBe('reserved');
    return request!.id;
  };
  const age = (requestId: string, interval: string) =>
    server.database!.query(`update refund_requests set created_at = now() - interval '${interval}' where id = $1`, [requestId]);
  const status = async (requestId: string) =>
    (await server.database!.query<{ status: string; stripe_refund_id: string | null }>('select status, stripe_refund_id from refund_requests where id = $1', [requestId]))[0];

  it('records the refund Stripe made for a reservation whose answer was lost, found by its request id', async () => {
    // Proves the lost-answer path ends: the refund did reach Stripe (sent again here with Topup's own idempotency key and parameters, as the SDK's request would have), so reconcile finds it by refund_request_id and records it; the credits were clawed back by charge.refunded, and nothing is refunded twice.
    const { sessionId, paymentIntentId } = await paidPurchase(server, 'user_refundlost', 100);
    const requestId = await lostRefund(sessionId, 40);
    expect(await refundableCredits(sessionId)).toBe(60);
    // What the console shows is that same rule: the reservation counts there too.
    expect(await shownRefundable(sessionId)).toBe(60);
    await server.topup.stripe.refunds.create(
      {
        payment_intent: paymentIntentId,
        amount: 40,
        reason: 'requested_by_customer',
        metadata: { type: 'credit_topup_refund', session_id: sessionId, credits: '40', actor: testAdminUserId, refund_request_id: requestId },
      },
      { idempotencyKey: `topup-refund-${sessionId}-${requestId}` },
    );
    await server.webhooksDelivered();

    expect(await reconcileRefundRequests({ storage: server.storage, stripe: server.topup.stripe, log })).toMatchObject({ confirmed: 0 });
    await age(requestId, '11 minutes');
    expect(await reconcileRefundRequests({ storage: server.storage, stripe: server.topup.stripe, log })).toEqual({ staleSeen: 1, confirmed: 1, released: 0 });
    const [refund] = (await server.topup.stripe.refunds.list({ payment_intent: paymentIntentId })).data;
    expect(await status(requestId)).toEqual({ status: 'succeeded', stripe_refund_id: refund!.id });
    expect(await refundableCredits(sessionId)).toBe(60);
    const [user] = await server.database!.query<{ credits: string | number }>("select credits from users where id = 'user_refundlost'");
    expect(Number(user!.credits)).toBe(60);
    expect(await reconcileRefundRequests({ storage: server.storage, stripe: server.topup.stripe, log })).toEqual({ staleSeen: 0, confirmed: 0, released: 0 });
  });

  it('releases a reservation Stripe has no refund for a day later, and not before', async () => {
    // Proves the reserved credits are not locked forever: an hour old, reconcile leaves it (a retry may still come within Stripe's 24 hours of idempotency); a day old with no refund at Stripe, it is released and the credits are refundable again.
    const { sessionId } = await paidPurchase(server, 'user_refundneverlanded', 100);
    const requestId = await lostRefund(sessionId, 30);
    expect(await refundableCredits(sessionId)).toBe(70);
    await age(requestId, '1 hour');
    expect(await reconcileRefundRequests({ storage: server.storage, stripe: server.topup.stripe, log })).toEqual({ staleSeen: 1, confirmed: 0, released: 0 });
    expect((await status(requestId))?.status).toBe('reserved');
    await age(requestId, '25 hours');
    expect(await reconcileRefundRequests({ storage: server.storage, stripe: server.topup.stripe, log })).toEqual({ staleSeen: 1, confirmed: 0, released: 1 });
    expect(await status(requestId)).toEqual({ status: 'failed', stripe_refund_id: null });
    expect(await refundableCredits(sessionId)).toBe(100);
    expect(await shownRefundable(sessionId)).toBe(100);
    expect((await server.topup.ledger.verify()).problems).toEqual([]);
  });
});
