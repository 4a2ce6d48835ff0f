import { existsSync } from 'node:fs';

export const chromiumPath = '/usr/bin/chromium';

/**
 * Whether the browser suites can run here. They need Debian's Chromium (CI installs it with apt);
 * without it they are skipped, and say so in one line the run shows, except where
 * TOPUP_REQUIRE_BROWSER is set (CI), where a missing browser is an error.
 */
export function browserAvailability(): { available: true } | { available: false; message: string } {
  if (!existsSync(chromiumPath)) {
    // CI sets TOPUP_REQUIRE_BROWSER: there a missing browser fails the run instead of skipping the journeys.
    if (process.env.TOPUP_REQUIRE_BROWSER) throw new Error(`TOPUP_REQUIRE_BROWSER is set but ${chromiumPath} is not installed`);
    return { available: false, message: `browser suites skipped: ${chromiumPath} not installed` };
  }
  return { available: true };
}
