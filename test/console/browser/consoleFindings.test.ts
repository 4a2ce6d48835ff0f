/**
 * The findings of issue 16 ("what a new user stumbled on"), each shown fixed in a real browser
 * against the whole of Topup (fresh embedded database, the Stripe sandbox, dev auth):
 * 1. with a slow server the first screen says "Loading Topup…" in plain sight, not a blank page;
 * 2. at phone width (390x844) the three packs are not two plus one alone, the admin navigation is
 *    one row (it scrolls sideways; at 1280x800 it is a sidebar), ids are never broken across lines (an ellipsis, the whole id in
 *    the title), and a purchase card without an action has no empty "Actions" row;
 * 3. at 1280x800 the admin header is one line and the users' "Sort by" box shows its whole text;
 * 4. the refund confirmation shows the money before confirming; the adjust form puts each problem
 *    under its own field;
 * 5. the ledger's filters are in the address (a reload keeps them), the user filter takes part of an
 *    id, and the export's file name says the filter;
 * 6. a made-up session id on the success page says "No such payment".
 * Every page looked at is checked with axe-core (0 violations), light and dark. Screenshots at
 * 1280x800 and 390x844 go to test-artifacts/screenshots/ and, for the docs, console/docs/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability } from './support/browserAvailability.ts';
import { expectNoAxeViolations } from './support/expectNoAxeViolations.ts';
import { referenceUserId, signIn, signOut } from './support/consoleActions.ts';
import { startConsoleHarness } from './support/startConsoleHarness.ts';
import type { ConsoleHarness } from './support/startConsoleHarness.ts';

const availability = browserAvailability();
if (!availability.available) console.log(availability.message);
const describeInBrowser = availability.available ? describe : describe.skip;

const adminUserId = 'user_browserFindingsAdmin';
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };

describeInBrowser('the findings of issue 16, fixed, in Chromium', () => {
  let harness: ConsoleHarness;
  let sessionId = '';

  beforeAll(async () => {
    harness = await startConsoleHarness();
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });


  it('shows "Loading Topup…" in plain sight while a slow server has not answered', async () => {
    const { page, baseUrl } = harness;
    await page.setViewportSize(desktop);
    await signIn(page, baseUrl, { role: 'user' });
    // The server is slow: every GraphQL request waits until the test lets it through.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/graphql', async (route) => {
      await released;
      await route.continue();
    });
    await page.goto(`${baseUrl}/billing`);
    const loading = page.getByText('Loading Topup…');
    await loading.waitFor({ state: 'visible' });
    const box = await loading.boundingBox();
    expect(box && box.width > 50 && box.height > 10, `the loading words are visible: ${JSON.stringify(box)}`).toBe(true);
    await harness.docsScreenshot('loading');
    release();
    await page.getByRole('button', { name: 'Buy 500 credits for $5.00' }).waitFor();
    await page.unroute('**/graphql');
  }, 60_000);

  it('lists the packs one per row at phone width, and buys one for the refund below', async () => {
    const { page, baseUrl } = harness;
    await page.setViewportSize(phone);
    await page.goto(`${baseUrl}/billing`);
    const packs = page.locator('.pack-list > li');
    await page.getByRole('button', { name: 'Buy 2,500 credits for $25.00' }).waitFor();
    const tops = await packs.evaluateAll((items) => items.map((item) => Math.round(item.getBoundingClientRect().top)));
    expect(tops).toHaveLength(3);
    // Three rows or one: never two packs and one alone.
    expect(new Set(tops).size === 1 || new Set(tops).size === 3, `pack tops ${tops.join(', ')}`).toBe(true);
    await harness.docsScreenshot('billing-phone');
    await expectNoAxeViolations(page, 'billing at phone width');

    await page.setViewportSize(desktop);
    // The sandbox's hosted checkout asks for nothing that is not there (no /favicon.ico 404).
    const missing: string[] = [];
    const recordMissing = (response: import('playwright-core').Response) => {
      if (response.status() === 404) missing.push(response.url());
    };
    page.on('response', recordMissing);
    await page.getByRole('button', { name: 'Buy 500 credits for $5.00' }).click();
    await page.waitForURL(/\/checkout\//);
    await page.getByRole('button', { name: 'Pay', exact: true }).waitFor();
    // Its buttons are in the page's font, not the browser's default for controls.
    const fonts = await page.getByRole('button', { name: 'Pay', exact: true }).evaluate((button) => [getComputedStyle(button).fontFamily, getComputedStyle(document.body).fontFamily]);
    expect(fonts[0]).toBe(fonts[1]);
    sessionId = page.url().split('/checkout/')[1]!.split(/[/?]/)[0]!;
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByText('Credits added: 500', { exact: true }).waitFor();
    page.off('response', recordMissing);
    expect(missing).toEqual([]);
  }, 60_000);

  it('says "No such payment" for a made-up session id', async () => {
    const { page, baseUrl } = harness;
    await page.goto(`${baseUrl}/payment/success?session_id=cs_test_madeUp123`);
    await page.getByRole('heading', { name: 'No such payment' }).waitFor();
    expect(await page.getByText('Not your session').count()).toBe(0);
    await harness.docsScreenshot('payment-not-found');
    await expectNoAxeViolations(page, 'the success page of a made-up session');
  }, 60_000);

  it('puts the admin pages in a sidebar at 1280px and in one row at phone width, the header on one line, and the users sort box whole', async () => {
    const { page, baseUrl } = harness;
    await signOut(page);
    await signIn(page, baseUrl, { userId: adminUserId, role: 'admin' });
    for (const size of [desktop, phone]) {
      await page.setViewportSize(size);
      await page.goto(`${baseUrl}/admin/users`);
      await page.getByRole('link', { name: referenceUserId }).waitFor();
      const navigation = page.getByRole('navigation', { name: 'Main' });
      const linkBoxes = await navigation.getByRole('link').evaluateAll((links) => links.map((link) => ({ top: Math.round(link.getBoundingClientRect().top), left: Math.round(link.getBoundingClientRect().left) })));
      expect(linkBoxes).toHaveLength(8);
      if (size === desktop) {
        // A sidebar: one column of pages, left of the page itself.
        expect(new Set(linkBoxes.map((box) => box.left)).size, 'one column of pages at 1280px').toBe(1);
        expect(new Set(linkBoxes.map((box) => box.top)).size, 'each page on its own line').toBe(8);
        const [navigationBox, mainBox] = [await navigation.boundingBox(), await page.locator('main').boundingBox()];
        expect(navigationBox!.x + navigationBox!.width, 'the sidebar is left of the page').toBeLessThanOrEqual(mainBox!.x + 1);
      } else {
        expect(new Set(linkBoxes.map((box) => box.top)).size, `one row of pages at ${size.width}px`).toBe(1);
      }
      const headerHeight = await page.locator('.app-header').evaluate((header) => header.getBoundingClientRect().height);
      expect(headerHeight, `header height at ${size.width}px`).toBeLessThanOrEqual(size.width >= 1000 ? 70 : 110);
      if (size === desktop) {
        // Every page's link is in sight: the sidebar does not need to scroll at desktop width.
        const navigationScroll = await navigation.evaluate((element) => element.scrollWidth - element.clientWidth + element.scrollHeight - element.clientHeight);
        expect(navigationScroll, 'the pages fit without scrolling at 1280px').toBeLessThanOrEqual(0);
        // Brand, palette and account on one line.
        const lineTops = await page.locator('.app-header__inner > *:not(.skip-link)').evaluateAll((parts) => parts.map((part) => Math.round(part.getBoundingClientRect().top + part.getBoundingClientRect().height / 2)));
        expect(Math.max(...lineTops) - Math.min(...lineTops), `the header's parts on one line: ${lineTops.join(', ')}`).toBeLessThanOrEqual(4);
        // The select is wide enough for its longest choice (text, padding and the arrow).
        const fits = await page.getByLabel('Sort by').evaluate((select) => {
          const element = select as HTMLSelectElement;
          const style = getComputedStyle(element);
          const canvas = document.createElement('canvas').getContext('2d')!;
          canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const widest = Math.max(...[...element.options].map((option) => canvas.measureText(option.text).width));
          const room = element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
          return { widest: Math.ceil(widest), room: Math.floor(room) };
        });
        expect(fits.room, `the longest sort order fits: ${JSON.stringify(fits)}`).toBeGreaterThanOrEqual(fits.widest);
        await harness.docsScreenshot('admin-users');
      } else {
        // As cards, each row's selection box is there to tap (it was squeezed to nothing once).
        const box = await page.getByRole('checkbox', { name: /^Select user_/ }).first().boundingBox();
        expect(box?.width ?? 0, 'the row checkbox is visible at phone width').toBeGreaterThanOrEqual(16);
        await harness.docsScreenshot('admin-users-phone');
      }
      await expectNoAxeViolations(page, `admin users at ${size.width}px`);
    }
  }, 90_000);

  it("shows a user's page at phone width with whole ids and no empty action rows, and the refund's money before confirming", async () => {
    const { page, baseUrl } = harness;
    await page.setViewportSize(phone);
    await page.goto(`${baseUrl}/admin/users/${referenceUserId}`);
    await page.getByTestId('user-balance').filter({ hasText: '528 credits' }).waitFor();
    await page.getByTestId('purchase-row').first().waitFor();
    // No id is broken across two lines; one cut short ends in an ellipsis and carries the whole id.
    const ids = await page.locator('main .id').evaluateAll((elements) =>
      elements.map((element) => ({
        text: element.textContent ?? '',
        lines: element.getClientRects().length,
        height: element.getBoundingClientRect().height,
        lineHeight: parseFloat(getComputedStyle(element).lineHeight) || 20,
        cut: element.scrollWidth > element.clientWidth,
        title: element.getAttribute('title'),
      })),
    );
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(id.lines, `${id.text} on one line`).toBe(1);
      expect(id.height, `${id.text} is one line high`).toBeLessThan(id.lineHeight * 1.6);
      if (id.cut) expect(id.title, `${id.text} cut short keeps its whole id in the title`).toBe(id.text);
    }
    // Each purchase card shows only rows with something in them.
    const emptyRows = await page.getByTestId('purchase-row').evaluateAll((rows) =>
      rows.flatMap((row) => [...row.querySelectorAll('td')].filter((cell) => cell.offsetHeight > 0 && cell.textContent?.trim() === '').map((cell) => cell.dataset.label)),
    );
    expect(emptyRows).toEqual([]);
    const wideTables = await page.locator('main .table-wrap').evaluateAll((wraps) =>
      wraps.filter((wrap) => wrap.scrollWidth > wrap.clientWidth).map((wrap) => `${wrap.getAttribute('aria-label')}: ${wrap.scrollWidth} > ${wrap.clientWidth}`),
    );
    // Cards, not wide tables: a long id is cut short instead of widening its table.
    expect(wideTables).toEqual([]);
    await harness.docsScreenshot('admin-user-phone');
    await expectNoAxeViolations(page, "a user's admin page at phone width");

    // The adjust form: an empty submit names both fields, each under its own.
    await page.getByRole('button', { name: 'Review adjustment' }).click();
    const creditsProblem = page.locator('#' + (await page.getByLabel('Credits', { exact: true }).getAttribute('aria-describedby')));
    expect(await creditsProblem.textContent()).toBe('Enter the number of credits.');
    const reasonBox = page.getByLabel('Reason (required, shown to the user)');
    const reasonProblem = page.locator('#' + (await reasonBox.getAttribute('aria-describedby')));
    expect(await reasonProblem.textContent()).toBe('Give a reason: the user sees it in their history.');
    const [creditsProblemBox, reasonBoxBox] = [await creditsProblem.boundingBox(), await reasonBox.boundingBox()];
    expect(creditsProblemBox!.y, 'the credits problem is above the reason box').toBeLessThan(reasonBoxBox!.y);
    await creditsProblem.scrollIntoViewIfNeeded();
    await harness.docsScreenshot('admin-adjust-problems-phone');
    await expectNoAxeViolations(page, 'the adjust form with its problems');

    await page.setViewportSize(desktop);
    await page.getByRole('button', { name: `Refund purchase ${sessionId}` }).click();
    await page.getByLabel('Credits to refund').fill('100');
    await page.getByRole('button', { name: 'Review refund' }).click();
    const confirmation = page.getByRole('group', { name: 'Refund 100 credits?' });
    await confirmation.getByText('Amount refunded: $1.00').waitFor();
    await confirmation.scrollIntoViewIfNeeded();
    await harness.docsScreenshot('admin-refund-confirm');
    await expectNoAxeViolations(page, 'the refund confirmation');
    await confirmation.getByRole('button', { name: 'Back' }).click();
  }, 90_000);

  it('keeps the ledger filters in the address, takes part of a user id, and names the export after the filter', async () => {
    const { page, baseUrl } = harness;
    await page.setViewportSize(desktop);
    await page.goto(`${baseUrl}/admin/ledger`);
    await page.getByLabel('User id').fill('msltwx');
    await page.getByLabel('Kind').selectOption('PURCHASE');
    await page.waitForURL(/\/admin\/ledger\?user=msltwx&kind=PURCHASE$/);
    const purchaseRow = page.getByTestId('ledger-row').filter({ hasText: '+500' });
    await purchaseRow.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ledger-row"]').length === 1);
    await page.reload();
    await purchaseRow.waitFor();
    expect(await page.getByLabel('User id').inputValue()).toBe('msltwx');
    expect(await page.getByLabel('Kind').inputValue()).toBe('PURCHASE');
    expect(await page.getByTestId('ledger-row').count()).toBe(1);
    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    expect((await downloadPromise).suggestedFilename()).toMatch(/^topup-ledger-user-msltwx-purchase-\d{4}-\d{2}-\d{2}\.csv$/);
    await harness.docsScreenshot('admin-ledger-filtered');
    await expectNoAxeViolations(page, 'the filtered ledger');
    await page.setViewportSize(phone);
    await page.getByTestId('ledger-row').first().waitFor();
    await harness.docsScreenshot('admin-ledger-phone');
  }, 90_000);
});
