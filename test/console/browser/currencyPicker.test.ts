/**
 * The billing page's currency in a real browser: a German locale starts in EUR when EUR is offered,
 * the picker switches to JPY (whole yen, the server's prices), and the choice survives a reload.
 * The picker's screenshot goes to test-artifacts/screenshots/; `UPDATE_DOC_SCREENSHOTS=1` also refreshes
 * console/docs/currency-picker.png.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { browserAvailability } from './support/browserAvailability.ts';
import { signIn } from './support/consoleActions.ts';
import { screenshotsDirectory, startConsoleHarness } from './support/startConsoleHarness.ts';
import type { ConsoleHarness } from './support/startConsoleHarness.ts';

const availability = browserAvailability();
if (!availability.available) console.log(availability.message);
const describeInBrowser = availability.available ? describe : describe.skip;

describeInBrowser('the currency picker in Chromium', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await startConsoleHarness({ environment: { CREDIT_PRICES: 'usd:0.01,eur:0.0095,jpy:1.5,kwd:0.0033' }, locale: 'de-DE' });
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('starts in the locale’s currency, switches to JPY with the server’s prices, and remembers it', async () => {
    const { page, baseUrl } = harness;
    await signIn(page, baseUrl, { role: 'user' });
    await page.goto(`${baseUrl}/billing`);
    // de-DE -> EUR: 500 credits at EUR 0.0095 are EUR 4.75, priced by the server.
    await page.getByRole('button', { name: /^Buy 500 credits for 4,75\s€|^Buy 500 credits for €4\.75/ }).waitFor();
    await page.getByLabel('Currency').selectOption('jpy');
    await page.getByRole('button', { name: /^Buy 500 credits for (¥750|750\s¥|￥750)/ }).waitFor();
    await harness.screenshot(page, 'currency-picker');
    // The documented copy changes only on request, so a test run leaves the checkout clean.
    if (process.env.UPDATE_DOC_SCREENSHOTS === '1') {
      copyFileSync(path.join(screenshotsDirectory, 'currency-picker.png'), path.resolve('console/docs/currency-picker.png'));
    }
    await page.reload();
    await page.getByRole('button', { name: /^Buy 500 credits for (¥750|750\s¥|￥750)/ }).waitFor();
  });
});
