/**
 * The "desktop-grade" console of issue 16, in a real browser against the whole of Topup (fresh
 * embedded database, the Stripe sandbox, dev auth): an admin works with the keyboard only (the
 * command palette on Ctrl+K finds a user by email and opens their page; `?` lists the shortcuts;
 * `g l` goes to the ledger; `a` puts the keyboard in the adjust form), in a sidebar layout with a
 * dense users table that sorts by its column headings and selects rows; a user's page is an
 * overview whose balance moves at once when an adjustment is confirmed (optimistic, the server's
 * answer held back to see it) and follows credits moved elsewhere without a reload, as does a
 * user's header balance. Each page and overlay is checked with axe-core in light and dark, and
 * kept as a screenshot at 1280x800 and 390x844; at 320px nothing scrolls sideways.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServiceKey } from '../../support/startTestTopup.ts';
import { browserAvailability } from './support/browserAvailability.ts';
import { referenceUserId, signIn, signOut, waitForHeaderBalance } from './support/consoleActions.ts';
import { expectNoAxeViolations } from './support/expectNoAxeViolations.ts';
import { startConsoleHarness } from './support/startConsoleHarness.ts';
import type { ConsoleHarness } from './support/startConsoleHarness.ts';

const availability = browserAvailability();
if (!availability.available) console.log(availability.message);
const describeInBrowser = availability.available ? describe : describe.skip;

const adminUserId = 'user_browserDesktopAdmin';
const referenceEmail = 'reference.user@example.com';
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };
const narrowest = { width: 320, height: 700 };

/** The page's own sideways overflow in CSS pixels (0: nothing scrolls sideways). */
async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** What the focused element is: its tag, accessible-ish name and the section it is in. */
async function focused(page: Page): Promise<{ tag: string; label: string; section: string | null }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return {
      tag: element?.tagName ?? '',
      label: element?.getAttribute('aria-label') ?? element?.textContent?.trim() ?? '',
      section: element?.closest('[id^="user-"]')?.id ?? null,
    };
  });
}

describeInBrowser('the desktop-grade console of issue 16, in Chromium', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await startConsoleHarness();
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });


  /** Spends credits of a user as the app's backend does (a service key), outside the browser. */
  async function spendElsewhere(userId: string, amount: number, idempotencyKey: string): Promise<number> {
    const result = await harness.server.graphql<{ spendCredits: { balanceAfter: number } }>(
      'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { balanceAfter } }',
      { token: testServiceKey, variables: { input: { userId, amount, reason: 'report', idempotencyKey } } },
    );
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.spendCredits.balanceAfter;
  }

  it('lays the admin pages out in a sidebar, and sorts and selects users with the keyboard in a dense table', async () => {
    const { page, baseUrl } = harness;
    await page.setViewportSize(desktop);
    // The reference user buys 500 credits first, so the overview below has a purchase and its Stripe events.
    await signIn(page, baseUrl, { role: 'user' });
    await page.getByRole('button', { name: 'Buy 500 credits for $5.00' }).click();
    await page.waitForURL(/\/checkout\//);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByText('Credits added: 500', { exact: true }).waitFor();
    await signOut(page);
    await signIn(page, baseUrl, { userId: adminUserId, role: 'admin' });
    await page.goto(`${baseUrl}/admin/users`);
    await page.getByRole('link', { name: referenceUserId }).waitFor();
    const [navigationBox, mainBox] = [await page.getByRole('navigation', { name: 'Main' }).boundingBox(), await page.locator('main').boundingBox()];
    expect(navigationBox!.x + navigationBox!.width).toBeLessThanOrEqual(mainBox!.x + 1);
    expect(navigationBox!.height, 'the sidebar runs down the window').toBeGreaterThan(500);
    // The headings stay in sight when the rows scroll (sticky inside the table's box).
    expect(await page.locator('main thead th').first().evaluate((heading) => getComputedStyle(heading).position)).toBe('sticky');

    // Sort by balance from the column heading, with the keyboard: highest first, then lowest first.
    const balanceHeading = page.getByRole('columnheader', { name: 'Balance' });
    await page.getByRole('button', { name: 'Balance' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"]')?.textContent?.startsWith('Balance'));
    expect(await page.getByLabel('Sort by').inputValue()).toBe('CREDITS_DESC');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"]')?.textContent?.startsWith('Balance'));
    expect(await balanceHeading.getAttribute('aria-sort')).toBe('ascending');
    await page.waitForFunction(() => document.querySelector('caption')?.textContent === 'Users, sorted by lowest balance');
    const balances = await page.getByTestId('user-row').evaluateAll((rows) => rows.map((row) => Number(row.querySelector('td[data-label="Balance"]')?.textContent?.replace(/[^0-9-]/g, ''))));
    expect(balances).toEqual([...balances].sort((a, b) => a - b));

    // Select a row with the space bar; the selection exports as CSV.
    await page.getByLabel(`Select ${referenceUserId}`).focus();
    await page.keyboard.press('Space');
    await page.getByText('1 user selected').waitFor();
    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export selected (CSV)' }).focus();
    await page.keyboard.press('Enter');
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/^topup-users-1-\d{4}-\d{2}-\d{2}\.csv$/);
    await harness.docsScreenshot('desktop-users');
    await expectNoAxeViolations(page, 'the users table with a row selected');
  }, 90_000);

  it('finds a user by email in the command palette (Ctrl+K) and opens their overview, with the keyboard only', async () => {
    const { page } = harness;
    await page.locator('body').press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    const field = palette.getByRole('combobox');
    expect(await field.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type('reference.user@');
    const userOption = palette.getByRole('option', { name: new RegExp(referenceUserId) });
    await userOption.waitFor();
    expect(await userOption.textContent()).toContain(referenceEmail);
    expect(await userOption.getAttribute('aria-selected')).toBe('true');
    await harness.docsScreenshot('command-palette');
    await expectNoAxeViolations(page, 'the command palette with a user found');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/admin/users/${referenceUserId}$`));
    expect(await palette.count()).toBe(0);

    // The overview: balance, lots and holds, purchases, auto top-up, events, audit, ledger; the actions beside the balance.
    await page.getByTestId('user-balance').filter({ hasText: '528 credits' }).waitFor();
    for (const title of ['Balance', 'Adjust credits', 'Grant promotional credits', 'Lots', 'Holds', 'Purchases', 'Recent Stripe events', 'Audit entries', 'Ledger']) {
      await page.getByRole('heading', { name: title, exact: true }).waitFor();
    }
    await page.getByTestId('user-recent-events').getByText('checkout.session.completed').waitFor();
    await page.getByTestId('purchase-row').first().waitFor();
    const [balanceBox, adjustBox] = [await page.getByRole('heading', { name: 'Balance', exact: true }).boundingBox(), await page.getByRole('heading', { name: 'Adjust credits' }).boundingBox()];
    expect(adjustBox!.x, 'the adjust form is beside the balance').toBeGreaterThan(balanceBox!.x + 400);
    expect(Math.abs(adjustBox!.y - balanceBox!.y), 'on the same level').toBeLessThan(40);
    await harness.docsScreenshot('admin-user-overview');
    await expectNoAxeViolations(page, "a user's overview");
    // Further down: the purchases with their refund, beside the newest Stripe events and audit entries.
    await page.getByRole('heading', { name: 'Holds', exact: true }).evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await harness.docsScreenshot('admin-user-overview-activity');
  }, 90_000);

  it('lists the shortcuts on "?", goes to pages with "g" and a letter, and adjusts from "a" with an optimistic balance', async () => {
    const { page, baseUrl } = harness;
    await page.locator('main h1').focus();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const words of ['Open the command palette', 'Go to the Ledger', "A user's page: adjust credits"]) await help.getByText(words, { exact: false }).first().waitFor();
    await harness.docsScreenshot('keyboard-shortcuts');
    await expectNoAxeViolations(page, 'the shortcuts overlay');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // "a": the keyboard is in the adjust form; fill it in and confirm without the mouse.
    await page.keyboard.press('a');
    expect((await focused(page)).section).toBe('user-adjust');
    await page.getByLabel('Credits', { exact: true }).focus();
    await page.keyboard.type('12');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Goodwill for ticket 7');
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toBe('Review adjustment');
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('button', { name: 'Confirm adjustment' });
    await confirm.waitFor();
    // The server's answer is held until the balance on screen has already moved: that is the optimistic feedback.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('mutation AdjustCredits')) await released;
      await route.continue();
    });
    await confirm.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('user-balance').filter({ hasText: '540 credits' }).waitFor();
    expect(await page.getByRole('button', { name: 'Saving…' }).count(), 'shown while the server has not answered').toBe(1);
    release();
    await page.getByText('Adjustment saved: +12 credits. New balance: 540 credits.').waitFor();
    await page.unroute('**/graphql');
    await page.getByTestId('user-recent-audit').getByText('adjustCredits').first().waitFor();

    // "g l": the ledger; "g u": back to users; the palette also lists this page's actions.
    await page.locator('main h1').focus();
    await page.keyboard.press('g');
    await page.keyboard.press('l');
    await page.waitForURL(/\/admin\/ledger$/);
    await page.getByRole('heading', { name: 'Ledger', level: 1 }).waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('u');
    await page.waitForURL(/\/admin\/users$/);
    await page.goto(`${baseUrl}/admin/users/${referenceUserId}`);
    await page.getByTestId('user-balance').filter({ hasText: '540 credits' }).waitFor();
    await page.keyboard.press('Control+k');
    await page.getByRole('dialog', { name: 'Command palette' }).getByRole('option', { name: /Grant promotional credits to this user/ }).waitFor();
    await page.keyboard.type('grant');
    await page.keyboard.press('Enter');
    expect((await focused(page)).section).toBe('user-grant');
  }, 90_000);

  it("follows credits moved elsewhere on an admin's open user page and in a user's header, without a reload", async () => {
    const { page, baseUrl } = harness;
    await page.goto(`${baseUrl}/admin/users/${referenceUserId}`);
    await page.getByTestId('user-balance').filter({ hasText: '540 credits' }).waitFor();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    expect(await spendElsewhere(referenceUserId, 9, 'desktop-live-1')).toBe(531);
    await page.getByTestId('user-balance').filter({ hasText: '531 credits' }).waitFor();
    // The rest of the overview follows: the ledger shows the spend, the lots what is available.
    await page.getByTestId('ledger-row').filter({ hasText: 'report' }).first().waitFor();
    await page.getByTestId('user-available').filter({ hasText: '531 available' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    await signOut(page);
    await signIn(page, baseUrl, { role: 'user' });
    await waitForHeaderBalance(page, 531);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    expect(await spendElsewhere(referenceUserId, 6, 'desktop-live-2')).toBe(525);
    await waitForHeaderBalance(page, 525);
    // The billing page's own balance reads the same polled `me`.
    await page.getByTestId('balance').filter({ hasText: '525 credits' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // A user's palette has pages and actions, no users (the server answers `users` to admins only).
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByRole('option', { name: /Go to History/ }).waitFor();
    expect(await palette.getByRole('option', { name: /Go to Users/ }).count()).toBe(0);
    await page.keyboard.type('user_');
    await palette.getByText('Nothing matches “user_”.').waitFor();
    await expectNoAxeViolations(page, "a user's command palette");
    await page.keyboard.press('Escape');
  }, 90_000);

  it('fits phones: the overview and the palette at 390px, nothing sideways at 320px', async () => {
    const { page, baseUrl } = harness;
    await signOut(page);
    await signIn(page, baseUrl, { userId: adminUserId, role: 'admin' });
    await page.setViewportSize(phone);
    await page.goto(`${baseUrl}/admin/users/${referenceUserId}`);
    await page.getByTestId('user-balance').filter({ hasText: '525 credits' }).waitFor();
    await page.getByRole('heading', { name: 'Audit entries' }).waitFor();
    await harness.docsScreenshot('admin-user-overview-phone');
    await expectNoAxeViolations(page, "a user's overview at phone width");
    await page.getByRole('button', { name: /Find/ }).click();
    await page.getByRole('dialog', { name: 'Command palette' }).getByRole('combobox').waitFor();
    await page.keyboard.type('32msl');
    await page.getByRole('dialog', { name: 'Command palette' }).getByRole('option', { name: new RegExp(referenceUserId) }).waitFor();
    await harness.docsScreenshot('command-palette-phone');
    await page.keyboard.press('Escape');

    await page.setViewportSize(narrowest);
    for (const address of ['/admin/users', `/admin/users/${referenceUserId}`, '/admin/ledger', '/billing']) {
      await page.goto(`${baseUrl}${address}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await sidewaysOverflow(page), `sideways overflow at 320px on ${address}`).toBeLessThanOrEqual(0);
    }
    await page.keyboard.press('Control+k');
    await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
    expect(await sidewaysOverflow(page), 'sideways overflow at 320px with the palette open').toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
  }, 90_000);
});
