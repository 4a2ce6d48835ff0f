import { scheduleExpirySweep } from '../ledger/scheduleExpirySweep.ts';
import { scheduleRetention } from '../retention/scheduleRetention.ts';
import net from 'node:net';
import type { Config } from '../config.ts';
import type { Storage } from '../db/storage.ts';
import { createLogger, type Logger } from '../log.ts';
import { openStorage } from '../db/openStorage.ts';
import { seedReferenceUser } from '../seed/seedReferenceUser.ts';
import { createApp, type CreateAppOptions } from './createApp.ts';
import { startHttpServer } from '../http/startHttpServer.ts';
import { createAuditLog } from '../audit/createAuditLog.ts';
import { createBilling, type Billing } from '../billing/createBilling.ts';
import { createStripeClient } from '../billing/stripe/createStripeClient.ts';
import type Stripe from 'stripe';
import type { SandboxTimers, StripeSandbox } from '@topup/stripe-sandbox';
import { createLedger, type Ledger } from '../ledger/createLedger.ts';
import { createRateLimiter } from '../rateLimits/createRateLimiter.ts';
import { sandboxApiKey } from '../billing/stripe/sandboxApiKey.ts';
import { scheduleReconcile } from '../billing/scheduleReconcile.ts';
import { keepStatisticsFresh } from '../db/keepStatisticsFresh.ts';
import { secureDataDirectory, tightenFileModes } from './secureDataDirectory.ts';
import { createWebhooks, type Webhooks } from '../webhooks/createWebhooks.ts';
import { createWebhookWorker, type WebhookWorker } from '../webhooks/createWebhookWorker.ts';
import { createAutoTopUpWorker, type AutoTopUpWorker } from '../billing/autoTopUp/createAutoTopUpWorker.ts';
import type { WebhookClock } from '../webhooks/webhookTypes.ts';
import path from 'node:path';
import { createMail, type Mail } from '../mail/createMail.ts';
import { createMailStore } from '../mail/createMailStore.ts';
import { createMailTransport } from '../mail/createMailTransport.ts';
import { createMailWorker, type MailWorker } from '../mail/createMailWorker.ts';

export interface RunningTopup {
  /** Where the API and console answer, e.g. http://127.0.0.1:4000. */
  url: string;
  port: number;
  /** The config in force (with the real port and public URL when port 0 was asked). */
  config: Config;
  storage: Storage;
  ledger: Ledger;
  billing: Billing;
  /** The Stripe client the server uses (real Stripe, or the sandbox), for scripts and tests. */
  stripe: Stripe;
  /** The webhook endpoint's signing secret in force (the sandbox's own when none is configured). */
  webhookSecret: string;
  /** The local Stripe stand-in, when no STRIPE_SECRET_KEY is configured. */
  stripeSandbox: StripeSandbox | null;
  /** Outbound webhooks: endpoints, deliveries, thresholds. */
  webhooks: Webhooks;
  /** This instance's outbox worker (running unless WEBHOOK_WORKER_INTERVAL_MS is 0), or one to drive by hand. */
  webhookWorker: WebhookWorker;
  /** Mail to users: the preview of what was kept in DATA_DIR. */
  mail: Mail;
  /** This instance's mail worker (running unless MAIL_WORKER_INTERVAL_MS is 0), or one to drive by hand. */
  mailWorker: MailWorker;
  /** This instance's auto top-up worker (running unless AUTO_TOP_UP_WORKER_INTERVAL_MS is 0), or one to drive by hand. */
  autoTopUpWorker: AutoTopUpWorker;
  /** Stops HTTP first (no new work), then the sandbox, then the database. */
  close(): Promise<void>;
}

/**
 * Boots Topup from a parsed config: storage (migrated), seed data, Stripe (real, or the sandbox),
 * billing, the HTTP app with the webhook route, listening. Used by `server/main.ts`, by end-to-end
 * tests (port 0, temporary databases), and by scripts.
 */
export async function startTopup(options: {
  config: Config;
  log?: Logger;
  storage?: Storage;
  /** Extra resolvers, GraphQL limits or another console folder (tests). */
  appOptions?: CreateAppOptions;
  /**
   * A sandbox another instance already runs (tests of several instances behind one load balancer
   * share one Stripe): used instead of starting one, and left running on close.
   */
  stripeSandbox?: StripeSandbox;
  /** Faster webhook retries for tests; the sandbox's default backs off over about two minutes. */
  sandboxRetryDelaysMilliseconds?: number[];
  /** The sandbox's delivery clock and timers, so a test can move time through retries; real by default. */
  sandboxTimers?: SandboxTimers;
  /** The outbox's clock and timers (tests move time through retries); real by default. */
  webhookClock?: WebhookClock;
  /** The mail worker's clock and timers (tests move time through retries); real by default. */
  mailClock?: WebhookClock;
  /** The auto top-up worker's clock (claims, decline back-off); the outbox's, else real, by default. */
  autoTopUpClock?: WebhookClock;
}): Promise<RunningTopup> {
  const log = options.log ?? createLogger();
  const config = await resolvePort(options.config);
  const closers: (() => Promise<void>)[] = [];
  await secureDataDirectory(config.dataDirectory, (message) => log.log('warn', message));
  const storage =
    options.storage ?? (await openStorage({ database: config.database, log: (message) => log.log('info', message) }));
  if (options.storage === undefined) closers.push(() => storage.close());
  if (config.database.kind === 'pglite' && options.storage === undefined) await tightenFileModes(config.database.directory);
  try {
    if (config.seedDemoData) await seedReferenceUser(storage);
    if (storage.kind === 'pglite') closers.push(keepStatisticsFresh({ storage, log }));
    let stripeSandbox: StripeSandbox | null = options.stripeSandbox ?? null;
    if (config.stripe.secretKey === null && stripeSandbox === null && config.stripe.sandboxUrl === null) {
      // Loaded only here: with a real Stripe key the sandbox's code is never imported.
      const { startStripeSandbox } = await import('@topup/stripe-sandbox');
      stripeSandbox = await startStripeSandbox({
        port: config.stripe.sandboxPort,
        dataDirectory: config.dataDirectory,
        apiKey: sandboxApiKey,
        webhookUrl: `${config.publicUrl}/api/stripe/webhooks`,
        ...(config.stripe.webhookSecret ? { webhookSecret: config.stripe.webhookSecret } : {}),
        ...(options.sandboxRetryDelaysMilliseconds ? { retryDelaysMilliseconds: options.sandboxRetryDelaysMilliseconds } : {}),
        ...(options.sandboxTimers ? { timers: options.sandboxTimers } : {}),
        log: (line) => log.log('info', line, { component: 'stripe-sandbox' }),
      });
      closers.push(() => stripeSandbox!.close());
      log.log('info', 'stripe sandbox started', { url: stripeSandbox.url });
    }
    const stripe = createStripeClient({
      secretKey: config.stripe.secretKey ?? stripeSandbox?.apiKey ?? sandboxApiKey,
      baseUrl: stripeSandbox?.url ?? config.stripe.sandboxUrl,
    });
    const webhookSecret = config.stripe.webhookSecret ?? stripeSandbox?.webhookSecret;
    if (!webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY');
    const billing = createBilling({ config, storage, log, stripe, webhookSecret });
    const ledger = createLedger(storage);
    // Written at boot like the webhook settings; a database that is down then gets it before the
    // next expiry sweep instead (purchases granted meanwhile use what it held before).
    let ledgerConfigured = false;
    const configureLedger = async () => {
      if (ledgerConfigured) return;
      await ledger.configure({ purchasedCreditsExpireDays: config.purchasedCreditsExpireDays });
      ledgerConfigured = true;
    };
    await configureLedger().catch((error: unknown) =>
      log.log('error', 'ledger settings not written; retried before each expiry sweep', { error: (error as Error).message }),
    );
    const rateLimiter = createRateLimiter({ storage, settings: config.rateLimits });
    const webhookClock = options.webhookClock ? { clock: options.webhookClock } : {};
    const webhooks = createWebhooks({ storage, ...webhookClock });
    // Written at boot; a database that is down then (the server still boots, /readyz says 503) gets
    // it before the worker's next round instead.
    let webhooksConfigured = false;
    const configureWebhooks = async () => {
      if (webhooksConfigured) return;
      await webhooks.configure({ lowBalanceCredits: config.webhooks.lowBalanceCredits, defaultEndpoint: config.webhooks.defaultEndpoint });
      webhooksConfigured = true;
    };
    await configureWebhooks().catch((error: unknown) =>
      log.log('error', 'webhook settings not written; retried before each delivery round', { error: (error as Error).message }),
    );
    const mailStore = createMailStore({ directory: path.join(config.dataDirectory, 'mail') });
    const mail = createMail({ store: mailStore });
    if (config.mail.smtpUrl === null && config.production) {
      log.log('warn', 'SMTP_URL is not set: mail to users is kept in DATA_DIR/mail (admins see it in the console\'s mail preview), not sent');
    }
    const audit = createAuditLog(storage);
    const app = createApp({ config, storage, log, ledger, billing, rateLimiter, webhooks, mail, audit }, options.appOptions);
    const http = await startHttpServer({ app, port: config.port, host: config.host });
    closers.push(() => http.close());
    if (config.reconcileIntervalSeconds > 0) {
      closers.push(scheduleReconcile({ billing, log, intervalSeconds: config.reconcileIntervalSeconds }));
    }
    if (config.expirySweepSeconds > 0) {
      closers.push(scheduleExpirySweep({ ledger, log, intervalSeconds: config.expirySweepSeconds, beforeSweep: configureLedger }));
    }
    if (config.retentionSweepSeconds > 0) {
      closers.push(scheduleRetention({ storage, log, intervalSeconds: config.retentionSweepSeconds, retentionDays: config.retentionDays }));
    }
    const webhookWorker = createWebhookWorker({
      storage,
      log,
      intervalMilliseconds: config.webhooks.workerIntervalMilliseconds,
      attemptTimeoutMilliseconds: config.webhooks.attemptTimeoutMilliseconds,
      beforeRound: configureWebhooks,
      ...webhookClock,
    });
    if (config.webhooks.workerIntervalMilliseconds > 0) {
      webhookWorker.start();
      // Closed before HTTP and storage (closers run in reverse), so its last attempts are recorded.
      closers.push(() => webhookWorker.stop());
    }
    const mailTransport = createMailTransport({ smtpUrl: config.mail.smtpUrl, store: mailStore, timeoutMilliseconds: config.mail.sendTimeoutMilliseconds });
    closers.push(async () => mailTransport.close());
    const mailWorker = createMailWorker({
      storage,
      log,
      transport: mailTransport,
      from: config.mail.from,
      consoleUrl: config.publicUrl,
      intervalMilliseconds: config.mail.workerIntervalMilliseconds,
      sendTimeoutMilliseconds: config.mail.sendTimeoutMilliseconds,
      ...(options.mailClock ? { clock: options.mailClock } : {}),
    });
    if (config.mail.workerIntervalMilliseconds > 0) {
      mailWorker.start();
      // Closed before the transport, HTTP and storage (closers run in reverse).
      closers.push(() => mailWorker.stop());
    }
    // The saved settings take today's prices before any top-up is paid; a database that is down now
    // gets it before the worker's next round instead.
    let autoTopUpsPriced = false;
    const priceAutoTopUps = async () => {
      if (autoTopUpsPriced) return;
      const priced = await billing.autoTopUps.reprice();
      autoTopUpsPriced = true;
      if (priced.repriced + priced.disabled > 0) log.log('warn', 'auto top-up settings priced again with the current price list', priced);
    };
    await priceAutoTopUps().catch((error: unknown) =>
      log.log('error', 'auto top-up settings not priced; retried before each worker round', { error: (error as Error).message }),
    );
    const autoTopUpWorker = createAutoTopUpWorker({
      storage,
      stripe,
      log,
      intervalMilliseconds: config.autoTopUp.workerIntervalMilliseconds,
      beforeRound: priceAutoTopUps,
      ...((options.autoTopUpClock ?? options.webhookClock) ? { clock: (options.autoTopUpClock ?? options.webhookClock)! } : {}),
    });
    if (config.autoTopUp.workerIntervalMilliseconds > 0) {
      autoTopUpWorker.start();
      closers.push(() => autoTopUpWorker.stop());
    }
    const url = `http://127.0.0.1:${http.port}`;
    log.log('info', 'topup listening', { url, database: storage.kind, publicUrl: config.publicUrl, stripe: stripeSandbox || config.stripe.sandboxUrl ? 'sandbox' : 'stripe' });
    return {
      url,
      port: http.port,
      config,
      storage,
      ledger,
      billing,
      stripe,
      webhookSecret,
      stripeSandbox,
      webhooks,
      webhookWorker,
      mail,
      mailWorker,
      autoTopUpWorker,
      async close() {
        for (const close of closers.reverse()) await close().catch((error: unknown) => log.log('warn', 'close failed', { error }));
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Port 0 (tests) means any free port; the public URL derived from it must name the real port, since
 * Stripe redirects browsers and delivers webhooks there. A port is found first, then used.
 */
async function resolvePort(config: Config): Promise<Config> {
  if (config.port !== 0) return config;
  const port = await new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
  const publicUrl = config.publicUrl === 'http://localhost:0' ? `http://127.0.0.1:${port}` : config.publicUrl;
  return Object.freeze({ ...config, port, publicUrl });
}
