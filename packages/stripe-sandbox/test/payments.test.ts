import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { harnessClosedAfterEachTest, type SandboxHarness } from './sandboxHarness.ts';

const contractMetadata = { type: 'credit_topup', clerk_user_id: 'user_32mSltWx9KkUkJe3sN2Bkym2w45', credits_amount: '71' };

describe('Stripe sandbox: paying, declining, delayed payments and expiry', { timeout: 10_000 }, () => {
  const startHarness = harnessClosedAfterEachTest();
  let harness: SandboxHarness;

  it('pays a session: three signed events in order, a paid session, a succeeded intent and charge', async () => {
    // Proves the card payment path end to end: the control endpoint pays, the receiver verifies each signature with the SDK, and the API then shows the paid state.
    harness = await startHarness();
    const session = await harness.createTopUpSession();
    const paid = await harness.pay(session.id);
    expect(paid).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', url: null });

    expect(harness.signatureFailures).toEqual([]);
    expect(harness.receivedTypes()).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'checkout.session.completed']);
    const completed = harness.received[2];
    expect(completed?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(completed?.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
    expect(completed?.event).toMatchObject({
      object: 'event',
      api_version: Stripe.API_VERSION,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'checkout.session.completed',
      data: { object: { id: session.id, status: 'complete', payment_status: 'paid', metadata: contractMetadata, amount_total: 71 } },
    });
    expect(completed?.event.id).toMatch(/^evt_/);

    const retrieved = await harness.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
    expect(retrieved.payment_status).toBe('paid');
    expect(retrieved.customer_details?.email).toBeTruthy();
    const paymentIntent = retrieved.payment_intent as Stripe.PaymentIntent;
    expect(paymentIntent).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 71, amount_received: 71, currency: 'usd', metadata: contractMetadata });
    expect(paymentIntent.id).toMatch(/^pi_/);
    const charge = paymentIntent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ object: 'charge', paid: true, captured: true, amount: 71, amount_refunded: 0, refunded: false, payment_intent: paymentIntent.id, status: 'succeeded' });
    expect(charge.id).toMatch(/^ch_/);
    expect((await harness.stripe.charges.retrieve(charge.id)).id).toBe(charge.id);
    expect(await harness.stripe.checkout.sessions.list({ payment_intent: paymentIntent.id })).toMatchObject({ data: [{ id: session.id }] });

    const events = await harness.stripe.events.list({ limit: 3 });
    expect(events.data.map((event) => event.id)).toEqual([...harness.received].reverse().map((webhook) => webhook.event.id));
    expect(await harness.stripe.events.retrieve(completed?.event.id ?? '')).toEqual(completed?.event);
    const again = await harness.control(`/sandbox/checkout/sessions/${session.id}/pay`, { outcome: 'paid' });
    expect(again.status).toBe(400);
  });

  it('declines a card: Stripe card error, the session stays open and can still be paid', async () => {
    // Proves the decline path: the control endpoint answers 402 card_declined, no completed event is sent, the session is open with its intent, and a second attempt succeeds.
    harness = await startHarness();
    const session = await harness.createTopUpSession();
    const declined = await harness.control(`/sandbox/checkout/sessions/${session.id}/pay`, { outcome: 'declined' });
    await harness.sandbox.waitForIdle();
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } });
    expect(harness.receivedTypes()).toEqual(['payment_intent.payment_failed']);
    const open = await harness.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    expect(open).toMatchObject({ status: 'open', payment_status: 'unpaid' });
    expect((open.payment_intent as Stripe.PaymentIntent).status).toBe('requires_payment_method');
    expect((open.payment_intent as Stripe.PaymentIntent).last_payment_error?.code).toBe('card_declined');

    await harness.pay(session.id);
    expect(harness.receivedTypes().slice(1)).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'checkout.session.completed']);
    const paid = await harness.stripe.checkout.sessions.retrieve(session.id);
    expect(paid.payment_intent).toBe((open.payment_intent as Stripe.PaymentIntent).id);
  });

  it('completes a delayed payment unpaid, then settles it as succeeded', async () => {
    // Proves the async success path: completed-but-unpaid with a processing intent first, then paid with a charge after `async_payment_succeeded`.
    harness = await startHarness();
    const session = await harness.createTopUpSession();
    const pending = await harness.pay(session.id, 'async_pending');
    expect(pending).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect(harness.receivedTypes()).toEqual(['payment_intent.processing', 'checkout.session.completed']);
    expect(harness.received[1]?.event.data.object).toMatchObject({ payment_status: 'unpaid' });
    const processing = await harness.stripe.paymentIntents.retrieve(String(pending.payment_intent));
    expect(processing).toMatchObject({ status: 'processing', latest_charge: null });

    const settled = await harness.control(`/sandbox/checkout/sessions/${session.id}/async`, { result: 'succeeded' });
    await harness.sandbox.waitForIdle();
    expect(settled.body).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(harness.receivedTypes().slice(2)).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'checkout.session.async_payment_succeeded']);
    expect(harness.received[4]?.event.data.object).toMatchObject({ id: session.id, payment_status: 'paid' });
    const succeeded = await harness.stripe.paymentIntents.retrieve(processing.id);
    expect(succeeded.status).toBe('succeeded');
    expect(typeof succeeded.latest_charge).toBe('string');
  });

  it('completes a delayed payment unpaid, then settles it as failed', async () => {
    // Proves the async failure path: `async_payment_failed` is sent, the session stays complete and unpaid, the intent needs a new payment method, and no charge exists.
    harness = await startHarness();
    const session = await harness.createTopUpSession();
    const pending = await harness.pay(session.id, 'async_pending');
    const failed = await harness.control(`/sandbox/checkout/sessions/${session.id}/async`, { result: 'failed' });
    await harness.sandbox.waitForIdle();
    expect(failed.body).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect(harness.receivedTypes().slice(2)).toEqual(['payment_intent.payment_failed', 'checkout.session.async_payment_failed']);
    const intent = await harness.stripe.paymentIntents.retrieve(String(pending.payment_intent));
    expect(intent).toMatchObject({ status: 'requires_payment_method', latest_charge: null });
    const settleAgain = await harness.control(`/sandbox/checkout/sessions/${session.id}/async`, { result: 'succeeded' });
    expect(settleAgain.status).toBe(400);
  });

  it('expires open sessions through the API and the control endpoint, and refuses to expire a paid one', async () => {
    // Proves expiry: both routes set `expired`, clear `url` and send `checkout.session.expired` (the API one records its request), and a completed session cannot be expired or paid.
    harness = await startHarness();
    const first = await harness.createTopUpSession();
    const expired = await harness.stripe.checkout.sessions.expire(first.id, {}, { idempotencyKey: 'expire-1' });
    expect(expired).toMatchObject({ status: 'expired', url: null });
    const second = await harness.createTopUpSession();
    const viaControl = await harness.control(`/sandbox/checkout/sessions/${second.id}/expire`);
    expect(viaControl.body).toMatchObject({ id: second.id, status: 'expired' });
    await harness.sandbox.waitForIdle();
    expect(harness.receivedTypes()).toEqual(['checkout.session.expired', 'checkout.session.expired']);
    expect(harness.received[0]?.event.request).toMatchObject({ idempotency_key: 'expire-1', id: expect.stringMatching(/^req_/) });
    const payExpired = await harness.control(`/sandbox/checkout/sessions/${second.id}/pay`, { outcome: 'paid' });
    expect(payExpired.status).toBe(400);

    const third = await harness.createTopUpSession();
    await harness.pay(third.id);
    await expect(harness.stripe.checkout.sessions.expire(third.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('expires a session on its own once expires_at passes', async () => {
    // Proves automatic expiry with an injected clock: after 31 minutes a session created with a 30-minute expires_at reads as expired and its event is delivered.
    let nowMilliseconds = Date.now();
    harness = await startHarness({ now: () => nowMilliseconds });
    const session = await harness.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 100, product_data: { name: '100 credits' } } }],
      expires_at: Math.floor(nowMilliseconds / 1000) + 30 * 60,
    });
    expect((await harness.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    nowMilliseconds += 31 * 60 * 1000;
    expect((await harness.stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    await harness.sandbox.waitForIdle();
    expect(harness.receivedTypes()).toEqual(['checkout.session.expired']);
  });
});
