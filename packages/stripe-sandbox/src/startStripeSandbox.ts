import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createId } from './createId.ts';
import { FaultInjector } from './faultInjector.ts';
import { createRequestHandler } from './http/createRequestHandler.ts';
import { IdempotencyStore } from './idempotencyStore.ts';
import { expireDueCheckoutSessions } from './operations/expireCheckoutSession.ts';
import { sandboxApiVersion } from './sandboxApiVersion.ts';
import type { SandboxContext } from './sandboxContext.ts';
import { defaultSandboxRetention, retainState, type SandboxRetention } from './retainState.ts';
import { createEmptySandboxState, type SandboxState } from './sandboxState.ts';
import { StateFile } from './stateFile.ts';
import { realTimers, type SandboxTimers } from './sandboxTimers.ts';
import { WebhookDeliveryQueue } from './webhooks/webhookDeliveryQueue.ts';

export interface StripeSandboxOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Interface to listen on; default '127.0.0.1'. */
  host?: string;
  /** Holds `stripe-sandbox.json`; created if missing. */
  dataDirectory: string;
  /** Where events are POSTed, e.g. http://localhost:4000/api/stripe/webhooks. */
  webhookUrl: string;
  /** `whsec_...`; when absent, one is generated once and kept in the state file. */
  webhookSecret?: string;
  /** The secret key the API accepts; when absent, one is generated once and kept in the state file. */
  apiKey?: string;
  /** Delay before each retry of a failed delivery; after the last retry fails the delivery is given up. */
  retryDelaysMilliseconds?: number[];
  /** How long one delivery attempt may take; default 10 s. */
  deliveryTimeoutMilliseconds?: number;
  /** The sandbox clock in unix milliseconds, for tests that need time to pass (session expiry); `timers.now` by default. */
  now?: () => number;
  /**
   * The clock and timers of webhook delivery (retry backoff, attempt timeouts); the real ones by
   * default. Tests pass `createManualTimers()` and advance time to see retries without waiting.
   */
  timers?: SandboxTimers;
  log?: (line: string) => void;
  /**
   * How many finished payments and events the sandbox remembers (`retainState.ts`); by default
   * 1,000 payment intents, 1,000 checkout sessions and 3,000 events. Past them the oldest finished
   * ones are forgotten, so a sandbox left running keeps a bounded state.
   */
  retention?: Partial<SandboxRetention>;
}

export interface StripeSandbox {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  webhookSecret: string;
  /** A fake `sk_test_sandbox_...` key, sent as Bearer auth like Stripe's. */
  apiKey: string;
  /** Changes the target of future delivery attempts (the server may learn its port late). */
  setWebhookUrl(url: string): void;
  /** Resolves when no delivery is in flight and none is pending, retries included. */
  waitForIdle(): Promise<void>;
  /** Stops the HTTP server and delivery timers and flushes the state to disk. */
  close(): Promise<void>;
}

/** Stripe retries for days; the sandbox backs off over about two minutes, then gives up. */
const retryDelaysMillisecondsDefault = [1000, 2000, 5000, 10_000, 30_000, 60_000];
/** A bound on the retry schedule, so a misconfiguration cannot retry forever. */
const retryCountMax = 20;
const deliveryTimeoutMillisecondsDefault = 10_000;
/** How often open sessions are checked for a passed `expires_at`. */
const expirySweepIntervalMilliseconds = 1000;

/**
 * Starts the Stripe sandbox (docs/reference/http.md, "Stripe sandbox"): Stripe's API subset on `/v1`,
 * the hosted checkout page, the control endpoints, and signed webhook delivery, with all state
 * kept in `dataDirectory` so a restart continues where it stopped.
 *
 * Errors: rejects when the state file is unreadable or from another format, or the port is taken.
 */
export async function startStripeSandbox(options: StripeSandboxOptions): Promise<StripeSandbox> {
  const log = options.log ?? (() => {});
  const timers = options.timers ?? realTimers;
  const now = options.now ?? (() => timers.now());
  const retryDelaysMilliseconds = options.retryDelaysMilliseconds ?? retryDelaysMillisecondsDefault;
  if (retryDelaysMilliseconds.length > retryCountMax || retryDelaysMilliseconds.some((delay) => !(delay >= 0))) {
    throw new Error(`startStripeSandbox: retryDelaysMilliseconds must be at most ${retryCountMax} non-negative delays`);
  }
  await mkdir(options.dataDirectory, { recursive: true, mode: 0o700 });
  const retention: SandboxRetention = { ...defaultSandboxRetention, ...options.retention };
  if (!(Number.isInteger(retention.payments) && retention.payments > 0 && Number.isInteger(retention.events) && retention.events > 0)) {
    throw new Error('startStripeSandbox: retention.payments and retention.events must be positive integers');
  }
  const stateFile = new StateFile({
    path: join(options.dataDirectory, 'stripe-sandbox.json'),
    log,
    beforeWrite: (state) => {
      retainState(state, retention);
    },
  });
  const state: SandboxState =
    (await stateFile.load()) ??
    createEmptySandboxState({ apiKey: createId('sk_test_sandbox_'), webhookSecret: createId('whsec_', 32) });
  stateFile.attach(() => state);
  const apiKey = options.apiKey ?? state.apiKey;
  const webhookSecret = options.webhookSecret ?? state.webhookSecret;

  let baseUrl = '';
  const deliveryQueue = new WebhookDeliveryQueue({
    state,
    markChanged: () => stateFile.markChanged(),
    webhookUrl: options.webhookUrl,
    webhookSecret,
    retryDelaysMilliseconds,
    timeoutMilliseconds: options.deliveryTimeoutMilliseconds ?? deliveryTimeoutMillisecondsDefault,
    timers,
    log,
  });
  const context: SandboxContext = {
    state,
    now,
    baseUrl: () => baseUrl,
    apiVersion: sandboxApiVersion,
    markChanged: () => stateFile.markChanged(),
    deliveryQueue,
    log,
  };
  const server = createServer(
    createRequestHandler({ context, apiKey, idempotencyStore: new IdempotencyStore({ state, now }), faults: new FaultInjector() }),
  );
  const port = await listen(server, options.port, options.host ?? '127.0.0.1');
  baseUrl = `http://${urlHost(options.host ?? '127.0.0.1')}:${port}`;
  pointOpenSessionsAt(state, baseUrl);
  // Persist at once, so the generated secrets survive even an abrupt stop.
  stateFile.markChanged();
  await stateFile.flush();

  deliveryQueue.start();
  const expiryTimer = setInterval(() => {
    try {
      expireDueCheckoutSessions(context);
    } catch (error) {
      log(`Stripe sandbox: expiring sessions failed: ${String(error)}`);
    }
  }, expirySweepIntervalMilliseconds);
  expiryTimer.unref();
  log(`Stripe sandbox listening on ${baseUrl}, delivering webhooks to ${options.webhookUrl}`);

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port,
    webhookSecret,
    apiKey,
    setWebhookUrl: (url) => deliveryQueue.setWebhookUrl(url),
    waitForIdle: () => deliveryQueue.waitForIdle(),
    close: () => {
      closing ??= (async () => {
        clearInterval(expiryTimer);
        await closeServer(server);
        await deliveryQueue.stop();
        await stateFile.flush();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error(`Stripe sandbox: unexpected listen address ${String(address)}`));
      else resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // The SDK keeps connections alive; without this, close would wait for them to time out.
    server.closeAllConnections();
  });
}

/** A wildcard listen address is reachable as localhost; an IPv6 literal needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Sessions created before a restart on another port keep a working `url`. */
function pointOpenSessionsAt(state: SandboxState, baseUrl: string): void {
  for (const { session } of Object.values(state.checkoutSessions)) {
    if (session.status === 'open') session.url = `${baseUrl}/checkout/${session.id}`;
  }
}
