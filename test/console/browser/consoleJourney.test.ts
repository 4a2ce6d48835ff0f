/**
 * The console in a real browser against the whole of Topup (fresh embedded database, the Stripe
 * sandbox and its hosted checkout, dev auth), in the order a person would use it:
 * 1. the reference user buys 71 credits through the hosted checkout, sees "Credits added: 71", and
 *    the balance goes 28 -> 99 without a reload;
 * 2. a delayed payment shows as pending, then settles while the page is open;
 * 3. an admin finds that user, adjusts their credits with a reason, sees the entry in the ledger,
 *    and exports the filtered ledger as CSV, then finds the adjustment's record on the Audit page;
 * 4. the pages hold at phone width (375px) without sideways scrolling;
 * 5. the admin grants 120 promotional credits expiring in a week (one grant for a double click),
 *    and the user's billing page says "120 promotional credits expire on <that day>".
 * Every page is saved to test-artifacts/screenshots/; the time to a usable billing page goes to
 * test-artifacts/console-metrics.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability } from './support/browserAvailability.ts';
import { buyCustomAmount, headerBalance, referenceUserId, signIn, signOut, waitForHeaderBalance } from './support/consoleActions.ts';
import { artifactsDirectory, startConsoleHarness } from './support/startConsoleHarness.ts';
import type { ConsoleHarness } from './support/startConsoleHarness.ts';

const availability = browserAvailability();
if (!availability.available) console.log(availability.message);
const describeInBrowser = availability.available ? describe : describe.skip;

const adminUserId = 'user_browserAdmin1';
const adjustmentReason = 'Browser test: goodwill for ticket 42';
const promotionReason = 'Browser test: welcome offer';

describeInBrowser('the console in Chromium', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await startConsoleHarness();
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('lets a user buy 71 credits through the hosted checkout: "Credits added: 71", balance 28 -> 99', async () => {
    const { page, baseUrl } = harness;
    await page.goto(`${baseUrl}/billing`);
    await page.getByRole('heading', { name: 'Sign in to Topup' }).waitFor();
    await harness.screenshot(page, '01-dev-sign-in');
    await signIn(page, baseUrl, { role: 'user' });

    // Time to a usable billing page: navigation start until the packs can be bought.
    const started = Date.now();
    await page.goto(`${baseUrl}/billing`);
    await page.getByRole('button', { name: 'Buy 500 credits for $5.00' }).waitFor();
    await waitForHeaderBalance(page, 28);
    const usableMilliseconds = Date.now() - started;
    const scripts = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js'))
        .map((entry) => ({ name: entry.name.split('/').at(-1), bytes: (entry as PerformanceResourceTiming).encodedBodySize })),
    );
    writeFileSync(
      path.join(artifactsDirectory, 'console-metrics.json'),
      JSON.stringify({ billingPageUsableMilliseconds: usableMilliseconds, initialScripts: scripts }, null, 2) + '\n',
    );
    console.log(`console: billing page usable after ${usableMilliseconds} ms in headless Chromium`);

    expect(await page.getByTestId('balance').textContent()).toBe('28 credits');
    await harness.screenshot(page, '02-billing');

    await buyCustomAmount(page, 71, '$0.71');
    await page.getByRole('heading', { name: 'Pay $0.71' }).waitFor();
    await harness.screenshot(page, '03-hosted-checkout');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();

    await page.waitForURL(/\/payment\/success\?session_id=/);
    await page.getByText('Credits added: 71', { exact: true }).waitFor();
    await waitForHeaderBalance(page, 99);
    expect(await page.getByTestId('new-balance').textContent()).toBe('Your balance is now 99 credits.');
    await harness.screenshot(page, '04-payment-success');

    await page.getByRole('link', { name: 'Billing' }).click();
    await page.getByTestId('balance').filter({ hasText: '99 credits' }).waitFor();

    await page.getByRole('link', { name: 'History' }).click();
    const purchaseRow = page.getByTestId('ledger-row').filter({ hasText: 'Purchase' }).filter({ hasText: '+71' });
    await purchaseRow.first().waitFor();
    expect(await purchaseRow.first().textContent()).toContain('99');
    await harness.screenshot(page, '05-history');
  }, 120_000);

  it('shows a delayed payment as pending, then settles it while the page is open', async () => {
    const { page, baseUrl, context } = harness;
    await page.getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'Buy 500 credits for $5.00' }).click();
    await page.waitForURL(/\/checkout\//);
    const checkoutUrl = page.url();
    await page.getByRole('button', { name: 'Pay with a delayed method' }).click();
    await page.getByText('Payment processing.', { exact: false }).waitFor();
    await harness.screenshot(page, '06-hosted-checkout-processing');

    await page.getByRole('link', { name: 'Return to the merchant' }).click();
    await page.waitForURL(new RegExp(`^${baseUrl.replace(/[.]/g, '\\.')}/payment/success`));
    await page.getByRole('heading', { name: 'Payment pending' }).waitFor();
    expect(await headerBalance(page)).toBe('Balance: 99 credits');
    await harness.screenshot(page, '07-payment-pending');

    // The bank confirms: settle the delayed payment on the hosted checkout, in another tab.
    const bank = await context.newPage();
    await bank.goto(checkoutUrl);
    await bank.getByRole('button', { name: 'Delayed payment succeeds' }).click();
    // Close the tab only once the form's redirect has landed: a close that races a navigation's
    // commit can be acknowledged by Chromium and never happen, and page.close() then waits forever
    // (microsoft/playwright#42366, crbug 536385539).
    await bank.getByText('Payment complete.', { exact: false }).waitFor();
    await bank.close();

    await page.getByText('Credits added: 500', { exact: true }).waitFor({ timeout: 30_000 });
    await waitForHeaderBalance(page, 599);
    await harness.screenshot(page, '08-payment-settled');
  }, 120_000);

  it('lets an admin find the user, adjust with a reason, see it in the ledger, and export it as CSV', async () => {
    const { page, baseUrl } = harness;
    await signOut(page);
    await signIn(page, baseUrl, { userId: adminUserId, role: 'admin' });

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Search by id or email').fill(referenceUserId);
    const userLink = page.getByRole('link', { name: referenceUserId });
    await userLink.waitFor();
    await harness.screenshot(page, '09-admin-users');
    await userLink.click();

    await page.getByTestId('user-balance').filter({ hasText: '599 credits' }).waitFor();
    await page.getByTestId('purchase-row').nth(1).waitFor();
    await harness.screenshot(page, '10-admin-user');

    await page.getByLabel('Credits', { exact: true }).fill('25');
    await page.getByLabel('Reason (required, shown to the user)').fill(adjustmentReason);
    await page.getByRole('button', { name: 'Review adjustment' }).click();
    await page.getByRole('heading', { name: 'Add 25 credits?' }).waitFor();
    await harness.screenshot(page, '11-admin-adjust-confirm');
    await page.getByRole('button', { name: 'Confirm adjustment' }).dblclick();
    await page.getByText('Adjustment saved: +25 credits. New balance: 624 credits.').waitFor();
    await page.getByTestId('user-balance').filter({ hasText: '624 credits' }).waitFor();
    await page.getByTestId('ledger-row').filter({ hasText: adjustmentReason }).waitFor();
    // The double click moved the credits once.
    expect(await page.getByTestId('ledger-row').filter({ hasText: adjustmentReason }).count()).toBe(1);
    await harness.screenshot(page, '12-admin-user-adjusted');

    await page.getByRole('link', { name: 'Open in the ledger' }).click();
    await page.getByRole('heading', { name: 'Ledger' }).waitFor();
    // The seed's opening balance is an adjustment too; the actor filter leaves this admin's only.
    await page.getByLabel('Kind').selectOption('ADJUSTMENT');
    await page.getByLabel('Actor').fill(adminUserId);
    const adjustmentRow = page.getByTestId('ledger-row').filter({ hasText: adjustmentReason });
    await adjustmentRow.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ledger-row"]').length === 1);
    expect(await adjustmentRow.textContent()).toContain(adminUserId);
    await page.getByRole('img', { name: /^Credits sold, / }).waitFor();
    await harness.screenshot(page, '13-admin-ledger');

    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloadPromise;
    // The file name says what was exported: the user (the page was opened from theirs), kind and actor filters, and the day.
    expect(download.suggestedFilename()).toMatch(new RegExp(`^topup-ledger-user-${referenceUserId}-adjustment-by-${adminUserId}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csvPath = path.join(artifactsDirectory, 'ledger-export.csv');
    await download.saveAs(csvPath);
    await page.getByText('Exported 1 entry.').waitFor();
    const csv = readFileSync(csvPath, 'utf8');
    const records = csv.trim().split('\r\n');
    expect(records[0]).toBe('created_at,entry_id,user_id,kind,delta,balance_after,reason,actor,session_id,currency,amount_minor,charged_currency,charged_amount_minor,lot_changes');
    expect(records).toHaveLength(2);
    // An adjustment has no purchase: its session and currency cells are empty.
    expect(records[1]).toContain(`${referenceUserId},ADJUSTMENT,25,624,${adjustmentReason},${adminUserId},,,,,`);

    await page.getByRole('link', { name: 'Flags' }).click();
    await page.getByText('Nothing flagged').waitFor();
    await page.getByText('No one is in debt').waitFor();
    await harness.screenshot(page, '14-admin-flags');

    // The adjustment wrote its audit record: the Audit page, filtered by this admin (the filter goes into the URL), shows it with its input on demand.
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Actor').fill(adminUserId);
    await page.waitForURL(`**/admin/audit?actor=${adminUserId}`);
    const auditRow = page.getByTestId('audit-row').filter({ hasText: 'adjustCredits' }).first();
    await auditRow.waitFor();
    expect(await auditRow.textContent()).toContain(referenceUserId);
    await auditRow.getByText('Input', { exact: true }).click();
    // The first of the row's two folded JSON blocks is the input; it shows once opened.
    const inputJson = auditRow.locator('details').first().locator('pre');
    await inputJson.waitFor();
    expect(await inputJson.textContent()).toContain(adjustmentReason);
    await harness.screenshot(page, '14b-admin-audit');
  }, 120_000);

  it('holds at phone width (375px) without sideways scrolling', async () => {
    const { page, baseUrl } = harness;
    await page.setViewportSize({ width: 375, height: 812 });
    const pages: Array<[string, string, () => Promise<void>]> = [
      ['/billing', '15-phone-billing', () => page.getByRole('button', { name: 'Buy 500 credits for $5.00' }).waitFor()],
      ['/history', '16-phone-history', () => page.getByRole('heading', { name: 'History' }).waitFor()],
      [`/admin/users/${referenceUserId}`, '17-phone-admin-user', () => page.getByTestId('user-balance').waitFor()],
      ['/admin/ledger', '18-phone-admin-ledger', () => page.getByTestId('ledger-row').first().waitFor()],
    ];
    for (const [route, name, ready] of pages) {
      await page.goto(`${baseUrl}${route}`);
      await ready();
      await harness.screenshot(page, name);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${route} scrolls sideways by ${overflow}px at 375px`).toBeLessThanOrEqual(0);
    }
  }, 120_000);

  it('lets an admin grant 120 promotional credits expiring in a week, and the user sees "120 promotional credits expire on …"', async () => {
    const { page, baseUrl } = harness;
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${baseUrl}/admin/users/${referenceUserId}`);
    await page.getByTestId('user-balance').filter({ hasText: '624 credits' }).waitFor();

    const inAWeek = new Date();
    inAWeek.setDate(inAWeek.getDate() + 7);
    const expiresOn = `${inAWeek.getFullYear()}-${String(inAWeek.getMonth() + 1).padStart(2, '0')}-${String(inAWeek.getDate()).padStart(2, '0')}`;
    await page.getByLabel('Promotional credits', { exact: true }).fill('120');
    await page.getByLabel('Reason for the promotion (required, shown to the user)').fill(promotionReason);
    await page.getByLabel('Expires on (optional)').fill(expiresOn);
    await page.getByRole('button', { name: 'Review promotion' }).click();
    await page.getByRole('heading', { name: 'Grant 120 promotional credits?' }).waitFor();
    await harness.screenshot(page, '19-admin-promotion-confirm');
    await page.getByRole('button', { name: 'Confirm promotion' }).dblclick();
    await page.getByText('Granted 120 promotional credits. New balance: 744 credits.').waitFor();
    await page.getByTestId('user-balance').filter({ hasText: '744 credits' }).waitFor();
    // The lots list, refreshed by the grant: the promotion comes first (it expires soonest).
    const lotsTable = page.getByRole('table', { name: `Lots of ${referenceUserId}, in the order spends use them` });
    await lotsTable.getByRole('row').nth(1).filter({ hasText: 'Promotional' }).filter({ hasText: '120' }).waitFor();
    // The double click granted once.
    expect(await page.getByTestId('ledger-row').filter({ hasText: promotionReason }).count()).toBe(1);
    await harness.screenshot(page, '20-admin-user-promoted');

    await signOut(page);
    await signIn(page, baseUrl, { role: 'user' });
    await page.goto(`${baseUrl}/billing`);
    // The day as the user's browser writes it (the expiry is the start of that day in their time zone; the year only when not this one).
    const day = await page.evaluate((value) => {
      const [year, month, date] = value.split('-').map(Number);
      const instant = new Date(year as number, (month as number) - 1, date);
      const yearShown = instant.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' as const };
      return new Intl.DateTimeFormat(navigator.language, { day: 'numeric', month: 'short', ...yearShown }).format(instant);
    }, expiresOn);
    const firstLot = page.getByTestId('lots').getByRole('listitem').first();
    await firstLot.filter({ hasText: `120 promotional credits expire on ${day}` }).waitFor();
    expect(await firstLot.textContent()).toBe(`120 promotional credits expire on ${day}`);
    await waitForHeaderBalance(page, 744);
    await harness.screenshot(page, '21-billing-lots');

    await page.getByRole('link', { name: 'History' }).click();
    await page.getByTestId('ledger-row').filter({ hasText: 'Promotional credits' }).filter({ hasText: promotionReason }).waitFor();
    await harness.screenshot(page, '22-history-promotion');
  }, 120_000);
});
