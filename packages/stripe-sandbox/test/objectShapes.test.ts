import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxApiVersion } from '../src/sandboxApiVersion.ts';
import { SandboxHarness } from './sandboxHarness.ts';

/** Stripe's published sample objects, kept in the repository at `test/fixtures/stripe/` (a fresh clone has them). */
const fixturesPath = fileURLToPath(new URL('../../../test/fixtures/stripe/fixtures3.json', import.meta.url));
const fixtures = (JSON.parse(readFileSync(fixturesPath, 'utf8')) as { resources: Record<string, Record<string, unknown>> }).resources;

describe('Stripe sandbox: object shapes', { timeout: 10_000 }, () => {
  it('speaks the API version pinned by the installed stripe SDK', () => {
    // Proves the events' api_version matches what the SDK sends, so upgrading the SDK without the sandbox fails here.
    expect(sandboxApiVersion).toBe(Stripe.API_VERSION);
  });

  describe('against fixtures3.json', () => {
    let harness: SandboxHarness;
    const objects: Record<string, Record<string, unknown>> = {};
    beforeAll(async () => {
      harness = await SandboxHarness.start();
      const get = async (path: string) => {
        const response = await fetch(`${harness.sandbox.url}${path}`, { headers: { Authorization: `Bearer ${harness.sandbox.apiKey}` } });
        return (await response.json()) as Record<string, unknown>;
      };
      const customer = await harness.stripe.customers.create({ email: 'shape@example.com' });
      const session = await harness.createTopUpSession({ customer: customer.id });
      objects['checkout.session'] = await get(`/v1/checkout/sessions/${session.id}`);
      await harness.pay(session.id);
      const paid = await harness.stripe.checkout.sessions.retrieve(session.id);
      const paymentIntent = await harness.stripe.paymentIntents.retrieve(String(paid.payment_intent));
      const refund = await harness.stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 10 });
      const dispute = await harness.control(`/sandbox/payment_intents/${paymentIntent.id}/dispute`, { status: 'needs_response' });
      objects.customer = await get(`/v1/customers/${customer.id}`);
      objects.payment_intent = await get(`/v1/payment_intents/${paymentIntent.id}`);
      objects.charge = await get(`/v1/charges/${String(paymentIntent.latest_charge)}`);
      objects.refund = await get(`/v1/refunds/${refund.id}`);
      objects.dispute = await get(`/v1/disputes/${String(dispute.body.id)}`);
      objects.event = await get(`/v1/events/${harness.received[0]?.event.id}`);
      objects.item = ((await get(`/v1/checkout/sessions/${session.id}/line_items`)).data as Array<Record<string, unknown>>)[0] ?? {};
    });
    afterAll(async () => {
      await harness.close();
    });

    it.each(['checkout.session', 'customer', 'payment_intent', 'charge', 'refund', 'dispute', 'event', 'item'])(
      'has every top-level field of the %s sample, with the same kind of value',
      (objectType) => {
        // Proves the sandbox object is shaped like Stripe's sample: same object type, livemode false, no sample field missing.
        const sample = fixtures?.[objectType] ?? {};
        const object = objects[objectType] ?? {};
        expect(object.object).toBe(sample.object);
        expect(object.livemode ?? false).toBe(false);
        const missing = Object.keys(sample).filter((key) => !(key in object));
        expect(missing).toEqual([]);
        for (const [key, sampleValue] of Object.entries(sample)) {
          const value = object[key];
          if (sampleValue === null || value === null || value === undefined) continue;
          expect(Array.isArray(value), `${objectType}.${key} array-ness`).toBe(Array.isArray(sampleValue));
          expect(typeof value, `${objectType}.${key} type`).toBe(typeof sampleValue);
        }
      },
    );
  });
});
