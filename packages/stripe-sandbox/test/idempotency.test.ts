import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { harnessClosedAfterEachTest, type SandboxHarness } from './sandboxHarness.ts';

const lineItems = [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: '500 credits' } } }];

describe('Stripe sandbox: idempotency keys', { timeout: 10_000 }, () => {
  const startHarness = harnessClosedAfterEachTest();
  let harness: SandboxHarness;

  it('replays the original response for the same key and parameters, and refuses other parameters', async () => {
    // Proves Stripe's idempotency contract through the SDK: a replay returns the same session with `Idempotent-Replayed: true` and creates nothing, a different body under the same key is a StripeIdempotencyError.
    harness = await startHarness();
    const params: Stripe.Checkout.SessionCreateParams = { mode: 'payment', line_items: lineItems, metadata: { type: 'credit_topup' } };
    const first = await harness.stripe.checkout.sessions.create(params, { idempotencyKey: 'topup-key-1' });
    const replay = await harness.stripe.checkout.sessions.create(params, { idempotencyKey: 'topup-key-1' });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    const listed = await harness.stripe.checkout.sessions.list({ limit: 100 });
    expect(listed.data).toHaveLength(1);

    const conflict = await harness.stripe.checkout.sessions
      .create({ ...params, metadata: { type: 'credit_topup', credits_amount: '9' } }, { idempotencyKey: 'topup-key-1' })
      .catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(conflict).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
    const otherEndpoint = await harness.stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'topup-key-1' }).catch((error: unknown) => error);
    expect(otherEndpoint).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('gives a concurrent burst of the same refund request exactly one effect', async () => {
    // Proves a burst of five identical refund requests under one key refunds once: one refund object, cumulative amount 100, every answer the same refund id.
    harness = await startHarness();
    const session = await harness.createTopUpSession({ credits: 500 });
    await harness.pay(session.id);
    const paid = await harness.stripe.checkout.sessions.retrieve(session.id);
    const paymentIntent = String(paid.payment_intent);
    const refunds = await Promise.all(
      Array.from({ length: 5 }, () => harness.stripe.refunds.create({ payment_intent: paymentIntent, amount: 100 }, { idempotencyKey: 'refund-burst' })),
    );
    expect(new Set(refunds.map((refund) => refund.id)).size).toBe(1);
    const listed = await harness.stripe.refunds.list({ payment_intent: paymentIntent });
    expect(listed.data).toHaveLength(1);
    const intent = await harness.stripe.paymentIntents.retrieve(paymentIntent, { expand: ['latest_charge'] });
    expect((intent.latest_charge as Stripe.Charge).amount_refunded).toBe(100);
  });

  it('forgets keys after 24 hours, so the same key then creates a new object', async () => {
    // Proves the 24-hour key lifetime with an injected clock: the same key and body replays at 23 h and creates a second session at 25 h.
    let nowMilliseconds = Date.now();
    harness = await startHarness({ now: () => nowMilliseconds });
    const params: Stripe.Checkout.SessionCreateParams = { mode: 'payment', line_items: lineItems };
    const first = await harness.stripe.checkout.sessions.create(params, { idempotencyKey: 'daily-key' });
    nowMilliseconds += 23 * 60 * 60 * 1000;
    expect((await harness.stripe.checkout.sessions.create(params, { idempotencyKey: 'daily-key' })).id).toBe(first.id);
    nowMilliseconds += 2 * 60 * 60 * 1000;
    expect((await harness.stripe.checkout.sessions.create(params, { idempotencyKey: 'daily-key' })).id).not.toBe(first.id);
  });
});
