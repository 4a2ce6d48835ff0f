import { existsSync } from 'node:fs';

export const chromiumPath = '/usr/bin/chromium';

/**
 * Whether the browser suites can run here. They need Debian's Chromium (CI installs it with apt);
 * without it they are skipped, and say so in one line the run shows.
 */
export function browserAvailability(): { available: true } | { available: false; message: string } {
  if (!existsSync(chromiumPath)) return { available: false, message: `browser suites skipped: ${chromiumPath} not installed` };
  return { available: true };
}
