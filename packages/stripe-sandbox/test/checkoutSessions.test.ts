import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { freshHarnessForEachTest } from './sandboxHarness.ts';

const contractMetadata = { type: 'credit_topup', clerk_user_id: 'user_32mSltWx9KkUkJe3sN2Bkym2w45', credits_amount: '71' };

describe('Stripe sandbox: customers and checkout sessions', { timeout: 10_000 }, () => {
  const harness = freshHarnessForEachTest();

  it('creates a customer and a session carrying the contract metadata, and reads both back', async () => {
    // Proves the SDK's nested form encoding round-trips: create through the real SDK, then retrieve and compare every field Topup relies on.
    const customer = await harness().stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { clerk_user_id: 'user_1' } });
    expect(customer.id).toMatch(/^cus_/);
    const created = await harness().createTopUpSession({ customer: customer.id });
    expect(created).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_subtotal: 71,
      amount_total: 71,
      currency: 'usd',
      customer: customer.id,
      client_reference_id: 'user_32mSltWx9KkUkJe3sN2Bkym2w45',
      metadata: contractMetadata,
      payment_intent: null,
      livemode: false,
      success_url: 'http://localhost:4000/topup/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://localhost:4000/topup/cancel',
      url: `${harness().sandbox.url}/checkout/${created.id}`,
    });
    expect(created.id).toMatch(/^cs_test_a1[0-9A-Za-z]{58}$/);
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(created.expires_at - created.created).toBe(24 * 60 * 60);
    expect(Math.abs(created.created - nowSeconds)).toBeLessThanOrEqual(2);

    const retrieved = await harness().stripe.checkout.sessions.retrieve(created.id);
    expect(retrieved).toEqual(created);
    const retrievedCustomer = await harness().stripe.customers.retrieve(customer.id);
    expect(retrievedCustomer).toMatchObject({ id: customer.id, email: 'ada@example.com', name: 'Ada', metadata: { clerk_user_id: 'user_1' } });
  });

  it('expands line_items and lists them, with the inline price the session was created with', async () => {
    // Proves `expand[]=line_items` and the line_items endpoint both show the price_data that was sent, amounts in minor units.
    const session = await harness().createTopUpSession({ credits: 250 });
    const expanded = await harness().stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    const lineItem = expanded.line_items?.data[0];
    expect(lineItem).toMatchObject({ object: 'item', description: '250 credits', quantity: 1, amount_total: 250, currency: 'usd' });
    expect(lineItem?.price?.unit_amount).toBe(250);
    const listed = await harness().stripe.checkout.sessions.listLineItems(session.id);
    expect(listed.data.map((item) => item.id)).toEqual([lineItem?.id]);
  });

  it('refuses a total under the currency minimum charge, like Stripe', async () => {
    // Proves the minimum-charge rule: 49 cents in usd and 29 pence in gbp are refused with an invalid_request_error, 50 cents passes.
    const create = (currency: string, unitAmount: number) =>
      harness().stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ quantity: 1, price_data: { currency, unit_amount: unitAmount, product_data: { name: 'credits' } } }],
        success_url: 'http://localhost:4000/ok',
      });
    const usdError = await create('usd', 49).catch((error: unknown) => error);
    expect(usdError).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(usdError).toMatchObject({ statusCode: 400, code: 'amount_too_small', type: 'StripeInvalidRequestError' });
    expect((usdError as Error).message).toContain('$0.50');
    await expect(create('gbp', 29)).rejects.toMatchObject({ code: 'amount_too_small' });
    await expect(create('usd', 50)).resolves.toMatchObject({ amount_total: 50 });
  });

  it('validates parameters like Stripe and names the offending parameter', async () => {
    // Proves each malformed input is refused with Stripe's error and `param`: missing mode, missing currency, negative amount, expires_at too soon, unknown customer, unknown parameter.
    const lineItem = { quantity: 1, price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'credits' } } };
    const cases: Array<{ params: Record<string, unknown>; param: string; statusCode?: number }> = [
      { params: { line_items: [lineItem] }, param: 'mode' },
      { params: { mode: 'payment', line_items: [{ quantity: 1, price_data: { unit_amount: 100, product_data: { name: 'x' } } }] }, param: 'line_items[0][price_data][currency]' },
      { params: { mode: 'payment', line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: -1, product_data: { name: 'x' } } }] }, param: 'line_items[0][price_data][unit_amount]' },
      { params: { mode: 'payment', line_items: [lineItem], expires_at: Math.floor(Date.now() / 1000) + 60 }, param: 'expires_at' },
      { params: { mode: 'payment', line_items: [lineItem], customer: 'cus_missing' }, param: 'customer', statusCode: 404 },
      { params: { mode: 'payment', line_items: [lineItem], sucess_url: 'http://typo' }, param: 'sucess_url' },
    ];
    for (const testCase of cases) {
      const error = await harness().stripe.checkout.sessions
        .create(testCase.params as Stripe.Checkout.SessionCreateParams)
        .catch((caught: unknown) => caught);
      expect(error, JSON.stringify(testCase.params)).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ param: testCase.param, statusCode: testCase.statusCode ?? 400 });
    }
    const fractional = await fetch(`${harness().sandbox.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${harness().sandbox.apiKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100.5&line_items[0][price_data][product_data][name]=x',
    });
    expect(fractional.status).toBe(400);
    expect(await fractional.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'Invalid integer: 100.5' } });
  });

  it('answers a missing or wrong API key and an unknown URL with Stripe errors', async () => {
    // Proves authentication and routing failures use Stripe's statuses and error shapes, and that the SDK maps them to its error classes.
    const noKey = await fetch(`${harness().sandbox.url}/v1/customers/cus_123`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('You did not provide an API key') } });
    const wrongKey = new Stripe('sk_test_wrong_key_1234', { host: '127.0.0.1', port: harness().sandbox.port, protocol: 'http' });
    await expect(wrongKey.customers.retrieve('cus_123')).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    await expect(harness().stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
    const unknown = await fetch(`${harness().sandbox.url}/v1/subscriptions`, { headers: { Authorization: `Bearer ${harness().sandbox.apiKey}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('Unrecognized request URL (GET: /v1/subscriptions)') } });
  });

  it('paginates lists newest first with limit, starting_after, ending_before and filters', async () => {
    // Proves Stripe's cursor semantics on sessions and events: pages of `limit`, has_more, both cursors, status and created filters, and auto-pagination through the SDK.
    const sessions: Stripe.Checkout.Session[] = [];
    for (let index = 0; index < 5; index += 1) sessions.push(await harness().createTopUpSession({ credits: 100 + index }));
    const newestFirst = sessions.map((session) => session.id).reverse();

    const firstPage = await harness().stripe.checkout.sessions.list({ limit: 2 });
    expect(firstPage).toMatchObject({ object: 'list', has_more: true, url: '/v1/checkout/sessions' });
    expect(firstPage.data.map((session) => session.id)).toEqual(newestFirst.slice(0, 2));
    const secondPage = await harness().stripe.checkout.sessions.list({ limit: 2, starting_after: newestFirst[1] });
    expect(secondPage.data.map((session) => session.id)).toEqual(newestFirst.slice(2, 4));
    const lastPage = await harness().stripe.checkout.sessions.list({ limit: 2, starting_after: newestFirst[3] });
    expect(lastPage.data.map((session) => session.id)).toEqual(newestFirst.slice(4));
    expect(lastPage.has_more).toBe(false);
    const before = await harness().stripe.checkout.sessions.list({ limit: 2, ending_before: newestFirst[4] });
    expect(before.data.map((session) => session.id)).toEqual(newestFirst.slice(2, 4));
    expect(before.has_more).toBe(true);

    const all: string[] = [];
    for await (const session of harness().stripe.checkout.sessions.list({ limit: 2 })) all.push(session.id);
    expect(all).toEqual(newestFirst);

    await harness().pay(newestFirst[2] ?? '');
    const complete = await harness().stripe.checkout.sessions.list({ status: 'complete' });
    expect(complete.data.map((session) => session.id)).toEqual([newestFirst[2]]);
    const createdAt = sessions[0]?.created ?? 0;
    const inRange = await harness().stripe.checkout.sessions.list({ created: { gte: createdAt, lte: createdAt + 3600 }, limit: 100 });
    expect(inRange.data).toHaveLength(5);
    const future = await harness().stripe.checkout.sessions.list({ created: { gt: createdAt + 3600 } });
    expect(future.data).toHaveLength(0);
    await expect(harness().stripe.checkout.sessions.list({ limit: 101 })).rejects.toMatchObject({ param: 'limit' });

    const events = await harness().stripe.events.list({ types: ['charge.succeeded', 'checkout.session.completed'] });
    expect(events.data.map((event) => event.type)).toEqual(['checkout.session.completed', 'charge.succeeded']);
    const wildcard = await harness().stripe.events.list({ type: 'checkout.session.*' });
    expect(wildcard.data.map((event) => event.type)).toEqual(['checkout.session.completed']);
    const paged = await harness().stripe.events.list({ limit: 1, starting_after: events.data[0]?.id });
    expect(paged.data[0]?.type).toBe('charge.succeeded');
  });
});
