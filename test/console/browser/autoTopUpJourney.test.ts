/**
 * Auto top-up in a real browser against the whole of Topup: a user saves the card at the hosted
 * checkout, turns auto top-up on in the billing page, the app spends through the API, and the
 * balance recharges on the billing page; then the card needs authentication and the banner asks the
 * user to confirm. Screenshots: test-artifacts/screenshots/auto-top-up-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServiceKey } from '../../support/startTestTopup.ts';
import { browserAvailability } from './support/browserAvailability.ts';
import { buyCustomAmount, signIn, waitForHeaderBalance } from './support/consoleActions.ts';
import { startConsoleHarness, type ConsoleHarness } from './support/startConsoleHarness.ts';

const availability = browserAvailability();
if (!availability.available) console.log(availability.message);
const describeInBrowser = availability.available ? describe : describe.skip;

const userId = 'user_autoTopUpBrowser1';

describeInBrowser('auto top-up in Chromium', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await startConsoleHarness({ environment: { AUTO_TOP_UP_WORKER_INTERVAL_MS: '200' } });
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });

  const spend = async (amount: number, idempotencyKey: string) => {
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testServiceKey}` },
      body: JSON.stringify({
        query: 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { balanceAfter } }',
        variables: { input: { userId, amount, reason: 'browser journey', idempotencyKey } },
      }),
    });
    const body = (await response.json()) as { errors?: unknown };
    expect(body.errors).toBeUndefined();
  };

  it('saves the card at checkout, turns auto top-up on, recharges after a spend, then shows the confirmation banner', { timeout: 120_000 }, async () => {
    // Proves the user's whole auto top-up journey in the browser: the checkbox saves the card, the settings show it with the server's price, a spend through the API recharges the balance shown, and a card needing authentication shows the banner.
    const { page, baseUrl } = harness;
    await signIn(page, baseUrl, { userId, role: 'user' });
    await page.goto(`${baseUrl}/billing`);
    await page.getByLabel('Save this card for automatic top-ups').check();
    await buyCustomAmount(page, 600, '$6.00');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL(/\/payment\/success\?session_id=/);
    await page.getByText('Credits added: 600', { exact: true }).waitFor();

    await page.goto(`${baseUrl}/billing`);
    await page.getByTestId('auto-top-up-card').filter({ hasText: 'VISA ending in 4242' }).waitFor();
    await page.getByLabel('When available credits fall below').fill('100');
    await page.getByLabel('Credits to buy').fill('500');
    await page.getByTestId('auto-top-up-price').filter({ hasText: '500 credits cost $5.00' }).waitFor();
    await page.getByLabel('Monthly limit (USD)').fill('20.00');
    await page.getByLabel('Top up automatically').check();
    await page.getByRole('button', { name: 'Save automatic top-up' }).click();
    await page.getByTestId('auto-top-up-state').filter({ hasText: /^On\./ }).waitFor();

    await spend(550, 'browser-auto-1');
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId('auto-top-up-month').textContent();
      }, { timeout: 30_000, interval: 500 })
      .toBe('$5.00 of $20.00');
    await waitForHeaderBalance(page, 550);
    await harness.screenshot(page, 'auto-top-up-settings');

    const [row] = await harness.server.database!.query<{ stripe_customer_id: string }>('select stripe_customer_id from users where id = $1', [userId]);
    await harness.server.sandbox(`/sandbox/customers/${row!.stripe_customer_id}/card`, { behavior: 'authentication_required' });
    await spend(500, 'browser-auto-2');
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId('auto-top-up-banner').count();
      }, { timeout: 30_000, interval: 500 })
      .toBe(1);
    expect(await page.getByTestId('auto-top-up-banner').textContent()).toContain('confirm the automatic top-up of 500 credits');
    await page.getByRole('button', { name: 'Confirm the payment' }).waitFor();
    await harness.screenshot(page, 'auto-top-up-banner');
  });
});
