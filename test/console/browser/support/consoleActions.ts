import type { Page } from 'playwright-core';

export const referenceUserId = 'user_32mSltWx9KkUkJe3sN2Bkym2w45';

/** Signs in through the development sign-in screen, as a user would. */
export async function signIn(page: Page, baseUrl: string, options: { userId?: string; role: 'user' | 'admin' }): Promise<void> {
  await page.goto(`${baseUrl}/billing`);
  await page.getByRole('heading', { name: 'Sign in to Topup' }).waitFor();
  if (options.userId && options.userId !== referenceUserId) {
    await page.getByLabel('Another user').check();
    await page.getByLabel('User id').fill(options.userId);
  } else {
    await page.getByLabel(/^Reference user/).check();
  }
  await page.getByLabel(options.role === 'admin' ? 'Admin' : 'User', { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Topup' }).waitFor();
}

/** The header's balance, e.g. "Balance: 99 credits", once it equals `expected`. */
export async function waitForHeaderBalance(page: Page, credits: number, timeoutMilliseconds = 20_000): Promise<void> {
  await page.waitForFunction(
    (text) => document.querySelector('[data-testid="header-balance"]')?.textContent === text,
    `Balance: ${credits.toLocaleString('en-US')} credits`,
    { timeout: timeoutMilliseconds },
  );
}

export async function headerBalance(page: Page): Promise<string | null> {
  return page.getByTestId('header-balance').textContent();
}

/** Fills the custom amount and waits for the server's total, then clicks Buy and lands on the hosted checkout. */
export async function buyCustomAmount(page: Page, credits: number, expectedTotal: string): Promise<void> {
  await page.getByLabel('Credits', { exact: true }).fill(String(credits));
  await page.getByTestId('custom-total').filter({ hasText: `Total: ${expectedTotal}` }).waitFor();
  await page.getByRole('button', { name: `Buy ${credits} credits` }).click();
  await page.waitForURL(/\/checkout\//);
}
