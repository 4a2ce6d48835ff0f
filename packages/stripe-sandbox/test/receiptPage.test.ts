import { describe, expect, it } from 'vitest';
import { freshHarnessForEachTest } from './sandboxHarness.ts';

describe('Stripe sandbox: receipts', { timeout: 10_000 }, () => {
  const harness = freshHarnessForEachTest();

  it("serves the receipt page a paid charge's receipt_url points at, and updates it after a refund", async () => {
    // Proves a card payment's charge has a receipt_url on the sandbox, read through the real SDK (payment intent expanded to its latest charge), that the URL answers 200 HTML with the amount, line item and card, that a partial refund shows on it, and that an unknown charge is a 404.
    const session = await harness().createTopUpSession();
    await harness().control(`/sandbox/checkout/sessions/${session.id}/pay`, { outcome: 'paid' });
    const paid = await harness().stripe.checkout.sessions.retrieve(session.id);
    const paymentIntent = await harness().stripe.paymentIntents.retrieve(String(paid.payment_intent), { expand: ['latest_charge'] });
    const charge = paymentIntent.latest_charge;
    if (charge === null || typeof charge === 'string') throw new Error('the latest charge was not expanded');
    expect(charge.receipt_url).toBe(`${harness().sandbox.url}/receipts/payment/${charge.id}`);

    const response = await fetch(charge.receipt_url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<h1>Receipt</h1>');
    expect(html).toContain('$0.71');
    expect(html).toContain('visa •••• 4242');
    expect(html).not.toContain('Refunded');
    // No script or external asset; the one link is the empty icon that spares a /favicon.ico request.
    expect(html).not.toMatch(/<script|src=|<link(?! rel="icon" href="data:,">)/i);

    await harness().stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 21 });
    const afterRefund = await (await fetch(charge.receipt_url!)).text();
    expect(afterRefund).toContain('Refunded');
    expect(afterRefund).toContain('−$0.21');

    const missing = await fetch(`${harness().sandbox.url}/receipts/payment/ch_nope`);
    expect(missing.status).toBe(404);
  });
});
