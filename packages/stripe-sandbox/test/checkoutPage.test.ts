import { describe, expect, it } from 'vitest';
import { freshHarnessForEachTest } from './sandboxHarness.ts';

/** Submits one of the page's forms the way a browser without JavaScript does. */
async function submitForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

function buttonLabels(html: string): string[] {
  return [...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((match) => match[1] ?? '');
}

describe('Stripe sandbox: hosted checkout page', { timeout: 10_000 }, () => {
  const harness = freshHarnessForEachTest();

  it('shows the line item, the formatted amount and the four payment buttons, without scripts', async () => {
    // Proves the page at the session url is a self-contained payment page: "71 credits", "$0.71", buttons with stable names as real POST forms, no script or external asset.
    const session = await harness().createTopUpSession();
    const response = await fetch(session.url ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('71 credits');
    expect(html).toContain('$0.71');
    expect(buttonLabels(html)).toEqual(['Pay', 'Pay with a declined card', 'Pay with a delayed method', 'Cancel']);
    expect(html).toContain(`<form method="post" action="/checkout/${session.id}/pay">`);
    expect(html).not.toMatch(/<script|src=/i);
    // The one link is the empty icon: the browser asks for no /favicon.ico (a 404 on every load).
    expect([...html.matchAll(/<link[^>]*>/gi)].map((match) => match[0])).toEqual(['<link rel="icon" href="data:,">']);
    // The buttons take the page's font, not the browser's default for controls.
    expect(html).toMatch(/button \{[^}]*font: inherit;/);
  });

  it("shows the customer's own email after a delayed payment, and no made-up one when none is known", async () => {
    // Proves the email line after "Pay with a delayed method" is the Stripe customer's email, and
    // that a session whose customer has none shows no email at all rather than the API's fixture address.
    const customer = await harness().stripe.customers.create({ email: 'buyer.delayed@example.com' });
    const withEmail = await harness().createTopUpSession({ customer: customer.id });
    await submitForm(`${harness().sandbox.url}/checkout/${withEmail.id}/pay`, { outcome: 'async_pending' });
    const processing = await (await fetch(`${harness().sandbox.url}/checkout/${withEmail.id}`)).text();
    expect(processing).toContain('Payment processing');
    expect(processing).toContain('Email: buyer.delayed@example.com');
    expect(processing).not.toContain('jenny.rosen');

    const anonymous = await harness().stripe.customers.create({});
    const withoutEmail = await harness().createTopUpSession({ customer: anonymous.id });
    await submitForm(`${harness().sandbox.url}/checkout/${withoutEmail.id}/pay`, { outcome: 'async_pending' });
    const noEmail = await (await fetch(`${harness().sandbox.url}/checkout/${withoutEmail.id}`)).text();
    expect(noEmail).toContain('Payment processing');
    expect(noEmail).not.toContain('Email:');
  });

  it('pays with the Pay button and redirects to success_url with the session id substituted', async () => {
    // Proves the browser path of a card payment: a 303 to the success URL with {CHECKOUT_SESSION_ID} replaced, the session paid, its events sent, and the page then says so.
    const session = await harness().createTopUpSession();
    const response = await submitForm(`${harness().sandbox.url}/checkout/${session.id}/pay`, { outcome: 'paid' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`http://localhost:4000/topup/success?session_id=${session.id}`);
    await harness().sandbox.waitForIdle();
    expect(harness().receivedTypes()).toContain('checkout.session.completed');
    expect((await harness().stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
    const html = await (await fetch(`${harness().sandbox.url}/checkout/${session.id}`)).text();
    expect(html).toContain('Payment complete');
    expect(buttonLabels(html)).toEqual([]);
  });

  it('shows Stripe decline message after a declined card and keeps the session open', async () => {
    // Proves the decline button: back to the page with the alert "Your card was declined.", payment buttons still offered, session open.
    const session = await harness().createTopUpSession();
    const response = await submitForm(`${harness().sandbox.url}/checkout/${session.id}/pay`, { outcome: 'declined' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toBe(`/checkout/${session.id}?declined=1`);
    const html = await (await fetch(`${harness().sandbox.url}${location}`)).text();
    expect(html).toContain('<p role="alert" class="alert">Your card was declined.</p>');
    expect(buttonLabels(html)).toContain('Pay');
    expect((await harness().stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('pays with a delayed method, then settles it from the page', async () => {
    // Proves the delayed-method buttons: the page shows "Delayed payment succeeds"/"fails" while processing, and the succeed button makes the session paid.
    const session = await harness().createTopUpSession();
    const response = await submitForm(`${harness().sandbox.url}/checkout/${session.id}/pay`, { outcome: 'async_pending' });
    expect(response.headers.get('location')).toBe(`/checkout/${session.id}`);
    const processing = await (await fetch(`${harness().sandbox.url}/checkout/${session.id}`)).text();
    expect(buttonLabels(processing)).toEqual(['Delayed payment succeeds', 'Delayed payment fails']);
    expect(processing).toContain(`href="http://localhost:4000/topup/success?session_id=${session.id}"`);
    expect((await harness().stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('unpaid');
    const settled = await submitForm(`${harness().sandbox.url}/checkout/${session.id}/async`, { result: 'succeeded' });
    expect(settled.status).toBe(303);
    expect((await harness().stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
  });

  it('cancels back to cancel_url, and shows expired and unknown sessions clearly', async () => {
    // Proves Cancel redirects to the cancel URL without closing the session, an expired session says it has expired, and an unknown id is a 404 page.
    const session = await harness().createTopUpSession();
    const cancel = await submitForm(`${harness().sandbox.url}/checkout/${session.id}/cancel`, { action: 'cancel' });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe('http://localhost:4000/topup/cancel');
    expect((await harness().stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    await harness().stripe.checkout.sessions.expire(session.id);
    const expired = await (await fetch(`${harness().sandbox.url}/checkout/${session.id}`)).text();
    expect(expired).toContain('This checkout session has expired.');
    expect(buttonLabels(expired)).toEqual([]);
    const payExpired = await submitForm(`${harness().sandbox.url}/checkout/${session.id}/pay`, { outcome: 'paid' });
    expect(payExpired.headers.get('location')).toBe(`/checkout/${session.id}`);
    const unknown = await fetch(`${harness().sandbox.url}/checkout/cs_test_unknown`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Checkout session not found');
  });
});
