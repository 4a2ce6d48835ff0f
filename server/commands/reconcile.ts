import 'dotenv/config';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { openStorage } from '../db/openStorage.ts';
import { createStripeClient } from '../billing/stripe/createStripeClient.ts';
import { createPricing } from '../billing/pricing.ts';
import { reconcile } from '../billing/reconcile.ts';
import { sandboxApiKey } from '../billing/stripe/sandboxApiKey.ts';

/**
 * `npm run stripe:reconcile [-- --lookback-hours 72]`: fulfils what the webhook missed, from Stripe's
 * own lists of recent events and sessions. Safe at any time, on a schedule, from several hosts.
 * The server also runs it every RECONCILE_INTERVAL_SECONDS. Against the sandbox, this command needs
 * `npm start` running (the sandbox lives in that process) and a shared DATABASE_URL: the embedded
 * database allows one process at a time, so with PGlite the server's own schedule does the work.
 */
const config = loadConfig();
const log = createLogger();
const lookbackIndex = process.argv.indexOf('--lookback-hours');
const lookbackHours = lookbackIndex > 0 ? Number(process.argv[lookbackIndex + 1]) : 72;
if (!Number.isFinite(lookbackHours) || lookbackHours <= 0 || lookbackHours > 24 * 30) {
  console.error('--lookback-hours must be between 0 and 720 (Stripe keeps events for 30 days)');
  process.exit(2);
}
const storage = await openStorage({ database: config.database });
try {
  const stripe = config.stripe.secretKey
    ? createStripeClient({ secretKey: config.stripe.secretKey })
    : createStripeClient({ secretKey: sandboxApiKey, baseUrl: config.stripe.sandboxUrl ?? `http://127.0.0.1:${config.stripe.sandboxPort}` });
  const report = await reconcile({ storage, stripe, pricing: createPricing(config.credits), log, lookbackSeconds: Math.round(lookbackHours * 3600) });
  console.log(
    `stripe:reconcile: ${report.eventsSeen} events seen, ${report.eventsApplied} applied; ` +
      `${report.sessionsSeen} sessions seen, ${report.sessionsSettled} settled; ${report.failures} failures`,
  );
  if (report.failures > 0) process.exitCode = 1;
} finally {
  await storage.close();
}
