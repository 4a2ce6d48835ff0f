/**
 * The payment pages in a real browser against the whole of Topup (fresh embedded database, the
 * Stripe sandbox and its hosted checkout, dev auth):
 * 1. a user buys 1,000 credits on the hosted checkout, spends 700 and loses a dispute: 700 in debt;
 *    the billing page then says of each pack what pays the debt ("2,500 credits: 700 pay your debt,
 *    1,800 are added"), and of a custom amount;
 * 2. a delayed payment that fails shows "Payment failed", whose "View payments" opens the payments
 *    list with the failed attempt and the paid purchase, whose receipt opens the sandbox's receipt;
 * 3. an admin filters the Stripe event log to that purchase and opens one event's JSON.
 * Screenshots at 1280x800 go to test-artifacts/screenshots/ and, for the docs, console/docs/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxApiKey } from '../../../server/billing/stripe/sandboxApiKey.ts';
import { testServiceKey } from '../../support/startTestTopup.ts';
import { browserAvailability } from './support/browserAvailability.ts';
import { signIn, signOut, waitForHeaderBalance } from './support/consoleActions.ts';
import { startConsoleHarness } from './support/startConsoleHarness.ts';
import type { ConsoleHarness } from './support/startConsoleHarness.ts';

const availability = browserAvailability();
if (!availability.available) console.log(availability.message);
const describeInBrowser = availability.available ? describe : describe.skip;

const buyerId = 'user_browserPayments1';
const adminUserId = 'user_browserPaymentsAdmin';

describeInBrowser('the payment pages in Chromium', () => {
  let harness: ConsoleHarness;
  let paidSessionId = '';

  beforeAll(async () => {
    harness = await startConsoleHarness();
    await harness.page.setViewportSize({ width: 1280, height: 800 });
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });


  async function postJson(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    expect(response.ok).toBe(true);
    return (await response.json()) as Record<string, unknown>;
  }

  it('shows a user in debt what of each pack and of a custom amount pays the debt', async () => {
    const { page, baseUrl, sandboxUrl } = harness;
    await signIn(page, baseUrl, { userId: buyerId, role: 'user' });
    await page.getByRole('button', { name: 'Buy 1,000 credits for $10.00' }).click();
    await page.waitForURL(/\/checkout\//);
    paidSessionId = page.url().split('/checkout/')[1]!.split(/[/?]/)[0]!;
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByText('Credits added: 1,000', { exact: true }).waitFor();

    // The app's backend spends 700, then the bank takes the payment back: the user owes 700.
    const spent = await postJson(
      `${baseUrl}/graphql`,
      { query: 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { balanceAfter } }', variables: { input: { userId: buyerId, amount: 700, reason: 'usage', idempotencyKey: 'browser-payments-spend' } } },
      testServiceKey,
    );
    expect(spent.errors).toBeUndefined();
    const session = await fetch(`${sandboxUrl}/v1/checkout/sessions/${paidSessionId}`, { headers: { authorization: `Bearer ${sandboxApiKey}` } });
    const paymentIntentId = ((await session.json()) as { payment_intent: string }).payment_intent;
    await postJson(`${sandboxUrl}/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'needs_response' });

    await page.getByRole('link', { name: 'Billing' }).click();
    await waitForHeaderBalance(page, -700, 30_000);
    await page.reload();
    await page.getByText('2,500 credits: 700 pay your debt, 1,800 are added', { exact: true }).waitFor();
    expect(await page.getByTestId('debt-split').allTextContents()).toEqual([
      '500 credits: 500 pay your debt, none are added',
      '1,000 credits: 700 pay your debt, 300 are added',
      '2,500 credits: 700 pay your debt, 1,800 are added',
    ]);
    await page.getByLabel('Credits', { exact: true }).fill('900');
    await page.getByText('900 credits: 700 pay your debt, 200 are added', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Buy credits' }).scrollIntoViewIfNeeded();
    await harness.docsScreenshot('billing-debt');
  }, 120_000);

  it('links a failed payment to the payments list, whose receipt opens the sandbox receipt', async () => {
    const { page, context, baseUrl } = harness;
    await page.goto(`${baseUrl}/billing`);
    await page.getByRole('button', { name: 'Buy 500 credits for $5.00' }).click();
    await page.waitForURL(/\/checkout\//);
    await page.getByRole('button', { name: 'Pay with a delayed method' }).click();
    await page.getByRole('button', { name: 'Delayed payment fails' }).click();
    await page.getByRole('link', { name: 'Return to the merchant' }).click();
    await page.getByRole('heading', { name: 'Payment failed' }).waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'View payments' }).click();
    await page.waitForURL(`${baseUrl}/billing/payments`);

    const rows = page.getByTestId('payment-row');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('Failed');
    expect(await rows.nth(1).textContent()).toContain('Disputed');
    await harness.docsScreenshot('payments');

    const [receipt] = await Promise.all([context.waitForEvent('page'), rows.nth(1).getByRole('link', { name: /Receipt/ }).click()]);
    await receipt.getByRole('heading', { name: 'Receipt' }).waitFor();
    expect(await receipt.textContent('body')).toContain('$10.00');
    await receipt.close();
  }, 120_000);

  it("lets an admin filter the Stripe event log to a purchase and open an event's JSON", async () => {
    const { page, baseUrl } = harness;
    await signOut(page);
    await signIn(page, baseUrl, { userId: adminUserId, role: 'admin' });
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByRole('heading', { name: 'Stripe events' }).waitFor();
    await page.getByTestId('stripe-event-row').first().waitFor();
    await page.getByLabel('Checkout session').fill(paidSessionId);
    await page.getByLabel('Event type').fill('checkout.session.completed');
    const row = page.getByTestId('stripe-event-row');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="stripe-event-row"]').length === 1);
    expect(await row.textContent()).toContain('Processed');
    await row.getByRole('button', { name: /Show JSON/ }).click();
    const payload = page.getByTestId('event-payload');
    await payload.waitFor();
    expect(await payload.textContent()).toContain(paidSessionId);
    await harness.docsScreenshot('admin-stripe-events');
    // The table fits its card at 1280px: long ids and the JSON's lines scroll in their own boxes.
    const sideways = await page.locator('table:has([data-testid="stripe-event-row"])').evaluate((table) => {
      const scroller = table.parentElement!;
      return scroller.scrollWidth - scroller.clientWidth;
    });
    expect(sideways, 'the events table scrolls sideways by').toBeLessThanOrEqual(0);
    await page.getByLabel('Checkout session').fill('');
    await page.getByLabel('Event type').fill('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="stripe-event-row"]').length > 1);
  }, 120_000);
});
