import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessClosedAfterEachTest } from './sandboxHarness.ts';

describe('Stripe sandbox: a bounded state', { timeout: 20_000 }, () => {
  const startHarness = harnessClosedAfterEachTest();

  it('forgets its oldest finished payments and events past the retention, and keeps what is still moving', async () => {
    // Proves the state stays bounded: with room for 3 payments and 6 events, after 6 paid checkouts (the first refunded, the second with an open dispute), a processing delayed payment and an open session, the oldest finished payments are gone with their charges, refunds and sessions, the disputed, processing and open ones and the newest are kept, and the file a restart reads holds the same.
    const harness = await startHarness({ retention: { payments: 3, events: 6 } });
    const paid: Array<{ session: string; paymentIntent: string; charge: string }> = [];
    const payOne = async (credits: number) => {
      const session = await harness.createTopUpSession({ credits });
      await harness.pay(session.id);
      const paymentIntent = String((await harness.stripe.checkout.sessions.retrieve(session.id)).payment_intent);
      const charge = String((await harness.stripe.paymentIntents.retrieve(paymentIntent)).latest_charge);
      paid.push({ session: session.id, paymentIntent, charge });
      return paid.at(-1)!;
    };
    const refunded = await payOne(100);
    const refund = await harness.stripe.refunds.create({ payment_intent: refunded.paymentIntent });
    const disputed = await payOne(101);
    expect((await harness.control(`/sandbox/payment_intents/${disputed.paymentIntent}/dispute`, { status: 'needs_response' })).status).toBe(200);
    for (let index = 2; index < 6; index += 1) await payOne(100 + index);
    const delayed = await harness.createTopUpSession({ credits: 200 });
    await harness.pay(delayed.id, 'async_pending');
    const open = await harness.createTopUpSession({ credits: 300 });
    await harness.sandbox.waitForIdle();
    // A restart flushes the state (each write trims it first) and reads the file back.
    await harness.restartSandbox();

    const codeOf = (retrieve: Promise<unknown>) => retrieve.then(() => 'found', (error: { code?: string }) => error.code ?? String(error));
    // Forgotten: the four oldest finished payments with their charges and sessions, and the refund.
    for (const payment of [paid[0]!, paid[2]!, paid[3]!, paid[4]!]) {
      expect(await codeOf(harness.stripe.paymentIntents.retrieve(payment.paymentIntent))).toBe('resource_missing');
      expect(await codeOf(harness.stripe.charges.retrieve(payment.charge))).toBe('resource_missing');
      expect(await codeOf(harness.stripe.checkout.sessions.retrieve(payment.session))).toBe('resource_missing');
    }
    expect(await codeOf(harness.stripe.refunds.retrieve(refund.id))).toBe('resource_missing');
    // Kept: the disputed payment (still moving) and the newest, whole; the processing payment; the open session.
    for (const payment of [paid[1]!, paid[5]!]) {
      expect((await harness.stripe.paymentIntents.retrieve(payment.paymentIntent)).status).toBe('succeeded');
      expect((await harness.stripe.charges.retrieve(payment.charge)).paid).toBe(true);
      expect((await harness.stripe.checkout.sessions.retrieve(payment.session)).status).toBe('complete');
    }
    const delayedPaymentIntent = String((await harness.stripe.checkout.sessions.retrieve(delayed.id)).payment_intent);
    expect((await harness.stripe.paymentIntents.retrieve(delayedPaymentIntent)).status).toBe('processing');
    expect((await harness.stripe.checkout.sessions.retrieve(open.id)).status).toBe('open');
    expect((await harness.stripe.events.list({ limit: 100 })).data).toHaveLength(6);

    // The file holds exactly the kept state, and parses as the JSON it is written in pieces of.
    const file = JSON.parse(await readFile(join(harness.dataDirectory, 'stripe-sandbox.json'), 'utf8')) as Record<'paymentIntents' | 'checkoutSessions' | 'events' | 'refunds', object>;
    expect(Object.keys(file.paymentIntents).sort()).toEqual([paid[1]!.paymentIntent, paid[5]!.paymentIntent, delayedPaymentIntent].sort());
    expect(Object.keys(file.checkoutSessions).sort()).toEqual([paid[1]!.session, paid[5]!.session, delayed.id, open.id].sort());
    expect(Object.keys(file.events)).toHaveLength(6);
    expect(file.refunds).toEqual({});
  });
});
