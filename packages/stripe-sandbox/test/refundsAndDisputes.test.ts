import Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshHarnessForEachTest } from './sandboxHarness.ts';

describe('Stripe sandbox: refunds and disputes', { timeout: 10_000 }, () => {
  const harness = freshHarnessForEachTest();
  let paymentIntentId: string;
  let chargeId: string;
  beforeEach(async () => {
    const session = await harness().createTopUpSession({ credits: 1000 });
    await harness().pay(session.id);
    const paymentIntent = await harness().stripe.paymentIntents.retrieve(String((await harness().stripe.checkout.sessions.retrieve(session.id)).payment_intent));
    paymentIntentId = paymentIntent.id;
    chargeId = String(paymentIntent.latest_charge);
    harness().received.length = 0;
  });

  it('refunds part then the rest, keeping the cumulative amount on the charge and in charge.refunded', async () => {
    // Proves refunds accumulate: 300 then the remaining 700 give amount_refunded 300 then 1000, `refunded` only at the end, and each charge.refunded event carries the cumulative amount.
    const partial = await harness().stripe.refunds.create({ payment_intent: paymentIntentId, amount: 300, reason: 'requested_by_customer', metadata: { ticket: 'T-1' } });
    expect(partial).toMatchObject({ object: 'refund', amount: 300, status: 'succeeded', charge: chargeId, payment_intent: paymentIntentId, reason: 'requested_by_customer', metadata: { ticket: 'T-1' } });
    expect(partial.id).toMatch(/^re_/);
    const afterPartial = await harness().stripe.charges.retrieve(chargeId);
    expect(afterPartial).toMatchObject({ amount_refunded: 300, refunded: false });

    const rest = await harness().stripe.refunds.create({ charge: chargeId });
    expect(rest.amount).toBe(700);
    const afterFull = await harness().stripe.charges.retrieve(chargeId);
    expect(afterFull).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect(afterFull.refunds?.data.map((refund) => refund.id)).toEqual([rest.id, partial.id]);

    await harness().sandbox.waitForIdle();
    expect(harness().receivedTypes()).toEqual(['refund.created', 'charge.refunded', 'refund.created', 'charge.refunded']);
    const chargeEvents = harness().received.filter((webhook) => webhook.event.type === 'charge.refunded').map((webhook) => webhook.event.data.object);
    expect(chargeEvents).toMatchObject([{ amount_refunded: 300, refunded: false }, { amount_refunded: 1000, refunded: true }]);
    const listed = await harness().stripe.refunds.list({ payment_intent: paymentIntentId });
    expect(listed.data.map((refund) => refund.id)).toEqual([rest.id, partial.id]);
    expect((await harness().stripe.refunds.retrieve(partial.id)).amount).toBe(300);
  });

  it('refuses to refund more than what is left', async () => {
    // Proves over-refunds fail with Stripe's errors and change nothing: amount_too_large while some is left, charge_already_refunded once all is refunded.
    const tooLarge = await harness().stripe.refunds.create({ payment_intent: paymentIntentId, amount: 1001 }).catch((error: unknown) => error);
    expect(tooLarge).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooLarge).toMatchObject({ code: 'amount_too_large', param: 'amount' });
    await harness().stripe.refunds.create({ payment_intent: paymentIntentId, amount: 900 });
    await expect(harness().stripe.refunds.create({ payment_intent: paymentIntentId, amount: 101 })).rejects.toMatchObject({ code: 'amount_too_large' });
    await harness().stripe.refunds.create({ payment_intent: paymentIntentId });
    await expect(harness().stripe.refunds.create({ payment_intent: paymentIntentId })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    expect((await harness().stripe.charges.retrieve(chargeId)).amount_refunded).toBe(1000);
    await expect(harness().stripe.refunds.create({ payment_intent: 'pi_missing' })).rejects.toMatchObject({ statusCode: 404, param: 'payment_intent' });
  });

  it('opens a dispute and closes it as won', async () => {
    // Proves the dispute lifecycle: needs_response marks the charge disputed and sends charge.dispute.created; won sends charge.dispute.closed with status won.
    const opened = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'needs_response' });
    expect(opened.body).toMatchObject({ object: 'dispute', status: 'needs_response', amount: 1000, charge: chargeId, payment_intent: paymentIntentId, reason: 'fraudulent' });
    const disputeId = String(opened.body.id);
    expect(disputeId).toMatch(/^dp_/);
    expect((await harness().stripe.charges.retrieve(chargeId)).disputed).toBe(true);
    const reopened = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'needs_response' });
    expect(reopened.body.id).toBe(disputeId);
    await expect(harness().stripe.refunds.create({ payment_intent: paymentIntentId })).rejects.toMatchObject({ code: 'charge_disputed' });

    const won = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'won' });
    expect(won.body).toMatchObject({ id: disputeId, status: 'won' });
    await harness().sandbox.waitForIdle();
    expect(harness().receivedTypes()).toEqual(['charge.dispute.created', 'charge.dispute.closed']);
    expect(harness().received[1]?.event.data.object).toMatchObject({ id: disputeId, status: 'won' });
    expect((await harness().stripe.disputes.retrieve(disputeId)).status).toBe('won');
    const relost = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'lost' });
    expect(relost.status).toBe(400);
  });

  it('closes a dispute as lost, opening it first when none exists', async () => {
    // Proves a direct `lost` creates the dispute then closes it: both events are sent in order and the stored dispute is lost.
    const lost = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'lost' });
    expect(lost.body).toMatchObject({ status: 'lost', charge: chargeId });
    await harness().sandbox.waitForIdle();
    expect(harness().receivedTypes()).toEqual(['charge.dispute.created', 'charge.dispute.closed']);
    expect(harness().received.map((webhook) => webhook.event.data.object)).toMatchObject([{ status: 'needs_response' }, { status: 'lost' }]);
    expect((await harness().stripe.disputes.retrieve(String(lost.body.id))).status).toBe('lost');
    const invalid = await harness().control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'maybe' });
    expect(invalid).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'status' } } });
  });
});
