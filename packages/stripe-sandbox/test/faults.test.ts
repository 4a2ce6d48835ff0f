import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { freshHarnessForEachTest } from './sandboxHarness.ts';

describe('Stripe sandbox: injected faults', { timeout: 10_000 }, () => {
  const harness = freshHarnessForEachTest();

  it('fails the next requests with a 500 that the SDK retries and then surfaces as StripeAPIError', async () => {
    // Proves the 500 knob: three faults outlast the SDK's two retries (StripeAPIError), the fourth request succeeds, and the fault list is then empty.
    const added = await harness().control('/sandbox/faults', { status: 500, count: 3 });
    expect(added.body).toMatchObject({ data: [{ statusCode: 500, remainingCount: 3, pathPrefix: null }] });
    const error = await harness().stripe.customers.create({ email: 'x@example.com' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500, rawType: 'api_error' });
    await expect(harness().stripe.customers.create({ email: 'x@example.com' })).resolves.toMatchObject({ object: 'customer' });
    const listed = await fetch(`${harness().sandbox.url}/sandbox/faults`);
    expect(await listed.json()).toMatchObject({ data: [] });
  });

  it('recovers through the SDK retry when a single 503 is injected', async () => {
    // Proves a transient outage is invisible to callers with maxNetworkRetries 2: one 503 is retried by the SDK with the same idempotency key and the session is created once.
    await harness().control('/sandbox/faults', { status: 503, count: 1 });
    const session = await harness().createTopUpSession();
    expect(session.status).toBe('open');
    expect((await harness().stripe.checkout.sessions.list()).data).toHaveLength(1);
  });

  it('answers 429 with Stripe rate_limit, raised by the SDK as StripeRateLimitError, only under the given path prefix', async () => {
    // Proves the 429 knob and its `paths` filter: a retrieve under /v1/checkout is rate limited, a customer call is not, and the fault is consumed once.
    const session = await harness().createTopUpSession();
    await harness().control('/sandbox/faults', { status: 429, count: 1, paths: '/v1/checkout' });
    await expect(harness().stripe.customers.create({})).resolves.toMatchObject({ object: 'customer' });
    const error = await harness().stripe.checkout.sessions.retrieve(session.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    await expect(harness().stripe.checkout.sessions.retrieve(session.id)).resolves.toMatchObject({ id: session.id });
  });

  it('validates the fault body and can clear pending faults', async () => {
    // Proves bad knob input is refused with a Stripe-shaped 400 and that /sandbox/faults/clear removes queued faults.
    expect((await harness().control('/sandbox/faults', { status: 404, count: 1 })).status).toBe(400);
    expect((await harness().control('/sandbox/faults', { status: 500, count: 0 })).status).toBe(400);
    await harness().control('/sandbox/faults', { status: 500, count: 50 });
    await harness().control('/sandbox/faults/clear');
    await expect(harness().stripe.customers.create({})).resolves.toMatchObject({ object: 'customer' });
  });
});
