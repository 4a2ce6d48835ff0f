import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { harnessClosedAfterEachTest, type SandboxHarness } from './sandboxHarness.ts';

const metadata = { type: 'auto_top_up', clerk_user_id: 'user_saved_card', credits_amount: '500', auto_top_up_attempt_id: '1' };

/** A customer whose card was saved at checkout: a session with setup_future_usage, paid with saveCard. */
async function customerWithSavedCard(harness: SandboxHarness): Promise<{ customer: string; paymentMethod: Stripe.PaymentMethod }> {
  const customer = await harness.stripe.customers.create({ email: 'saved@example.com' });
  const session = await harness.stripe.checkout.sessions.create({
    mode: 'payment',
    customer: customer.id,
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: '500 credits' } } }],
    payment_intent_data: { setup_future_usage: 'off_session', metadata: { type: 'credit_topup' } },
    success_url: 'http://localhost:4000/ok',
  });
  const paid = await harness.control(`/sandbox/checkout/sessions/${session.id}/pay`, { outcome: 'paid', saveCard: true });
  expect(paid.status).toBe(200);
  await harness.sandbox.waitForIdle();
  const retrieved = await harness.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.payment_method'] });
  const paymentIntent = retrieved.payment_intent as Stripe.PaymentIntent;
  expect(paymentIntent.setup_future_usage).toBe('off_session');
  return { customer: customer.id, paymentMethod: paymentIntent.payment_method as Stripe.PaymentMethod };
}

function offSessionPayment(harness: SandboxHarness, saved: { customer: string; paymentMethod: Stripe.PaymentMethod }, idempotencyKey: string) {
  return harness.stripe.paymentIntents.create(
    { amount: 500, currency: 'usd', customer: saved.customer, payment_method: saved.paymentMethod.id, off_session: true, confirm: true, metadata },
    { idempotencyKey },
  );
}

describe('Stripe sandbox: saved cards and off-session payment intents', { timeout: 10_000 }, () => {
  const startHarness = harnessClosedAfterEachTest();

  it('saves the card of a session that asked for it and charges it off-session once per idempotency key', async () => {
    // Proves the happy path and idempotency: the saved card is attached with brand and last 4, an off-session intent succeeds with a charge and signed events, and a retry with the same key replays without a second intent.
    const harness = await startHarness();
    const saved = await customerWithSavedCard(harness);
    expect(saved.paymentMethod).toMatchObject({ object: 'payment_method', customer: saved.customer, type: 'card', card: { brand: 'visa', last4: '4242' } });
    expect(await harness.stripe.paymentMethods.retrieve(saved.paymentMethod.id)).toMatchObject({ id: saved.paymentMethod.id, customer: saved.customer });
    harness.received.length = 0;

    const first = await offSessionPayment(harness, saved, 'auto-top-up-1-1');
    const replay = await offSessionPayment(harness, saved, 'auto-top-up-1-1');
    expect(first).toMatchObject({ status: 'succeeded', amount: 500, amount_received: 500, customer: saved.customer, payment_method: saved.paymentMethod.id, metadata });
    expect(replay.id).toBe(first.id);
    await harness.sandbox.waitForIdle();
    expect(harness.signatureFailures).toEqual([]);
    expect(harness.receivedTypes()).toEqual(['payment_intent.created', 'payment_intent.succeeded', 'charge.succeeded']);
    expect(harness.received[1]?.event.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: 'auto-top-up-1-1' });
    const listed = await harness.stripe.paymentIntents.list({ customer: saved.customer });
    // The checkout's own intent and the one off-session intent: the replay made none.
    expect(listed.data.map((paymentIntent) => paymentIntent.id)).toEqual([first.id, expect.stringMatching(/^pi_/)]);
  });

  it('answers Stripe error shapes for a card needing authentication, declines and insufficient funds, and replays them under the same key', async () => {
    // Proves each failing card behaviour: a 402 StripeCardError with code, decline_code and the payment intent in requires_payment_method with last_payment_error, a payment_intent.payment_failed event, and the same error (same intent) on a retry with the key.
    const harness = await startHarness();
    const saved = await customerWithSavedCard(harness);
    const cases = [
      { behavior: 'authentication_required', code: 'authentication_required', declineCode: 'authentication_required' },
      { behavior: 'card_declined', code: 'card_declined', declineCode: 'generic_decline' },
      { behavior: 'insufficient_funds', code: 'card_declined', declineCode: 'insufficient_funds' },
      { behavior: 'expired_card', code: 'expired_card', declineCode: 'expired_card' },
    ] as const;
    for (const [index, { behavior, code, declineCode }] of cases.entries()) {
      const set = await harness.control(`/sandbox/customers/${saved.customer}/card`, { behavior });
      expect(set).toEqual({ status: 200, body: { customer: saved.customer, behavior } });
      harness.received.length = 0;
      const failure = await offSessionPayment(harness, saved, `failing-${index}`).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Stripe.errors.StripeCardError);
      const cardError = failure as Stripe.errors.StripeCardError;
      expect(cardError).toMatchObject({ statusCode: 402, code, decline_code: declineCode });
      const paymentIntent = cardError.payment_intent!;
      expect(paymentIntent).toMatchObject({ status: 'requires_payment_method', last_payment_error: { type: 'card_error', code, decline_code: declineCode } });
      const again = (await offSessionPayment(harness, saved, `failing-${index}`).catch((error: unknown) => error)) as Stripe.errors.StripeCardError;
      expect(again.payment_intent?.id).toBe(paymentIntent.id);
      await harness.sandbox.waitForIdle();
      expect(harness.receivedTypes()).toEqual(['payment_intent.created', 'payment_intent.payment_failed']);
    }
    await harness.control(`/sandbox/customers/${saved.customer}/card`, { behavior: 'succeed' });
    expect((await offSessionPayment(harness, saved, 'after-fix')).status).toBe('succeeded');
  });

  it('refuses a card that was not saved, an off-session payment without confirm, and an unknown behaviour', async () => {
    // Proves the refusals: a payment method paid without saveCard is not attached and cannot be charged off-session; off_session needs confirm; the control endpoint checks its input.
    const harness = await startHarness();
    const customer = await harness.stripe.customers.create({});
    const session = await harness.createTopUpSession({ customer: customer.id });
    await harness.pay(session.id);
    const retrieved = await harness.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    const paymentMethodId = String((retrieved.payment_intent as Stripe.PaymentIntent).payment_method);
    expect((await harness.stripe.paymentMethods.retrieve(paymentMethodId)).customer).toBeNull();
    const unsaved = await harness.stripe.paymentIntents
      .create({ amount: 500, currency: 'usd', customer: customer.id, payment_method: paymentMethodId, off_session: true, confirm: true })
      .catch((error: unknown) => error);
    expect(unsaved).toMatchObject({ type: 'StripeInvalidRequestError', param: 'payment_method' });
    const unconfirmed = await harness.stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: customer.id, off_session: true }).catch((error: unknown) => error);
    expect(unconfirmed).toMatchObject({ type: 'StripeInvalidRequestError', param: 'off_session' });
    expect((await harness.control(`/sandbox/customers/${customer.id}/card`, { behavior: 'explode' })).status).toBe(400);
    expect((await harness.control(`/sandbox/customers/cus_missing/card`, { behavior: 'succeed' })).status).toBe(404);
  });
});
