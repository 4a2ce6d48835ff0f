import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SandboxTimers } from '@topup/stripe-sandbox';
import type { CreateAppOptions } from '../../server/app/createApp.ts';
import { startTopup, type RunningTopup } from '../../server/app/startTopup.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import type { Storage } from '../../server/db/storage.ts';
import { createLogger } from '../../server/log.ts';
import type { WebhookClock } from '../../server/webhooks/webhookTypes.ts';
import { createTestStorage, type LedgerStorageKind, type TestStorage } from './testStorage.ts';

/** The service key every test server accepts (beside another one, so the key list is really searched). */
export const testServiceKey = 'test-service-key-0123456789abcdef';

/** The user id `ADMIN_USER_IDS` names on every test server. */
export const testAdminUserId = 'user_admin';

export interface StartTestTopupOptions {
  /** A fresh migrated database of this kind (`pglite` by default); ignored when `storage` is given. */
  kind?: LedgerStorageKind;
  /** An existing storage to run on instead of a fresh one (the harness does not close it). */
  storage?: Storage;
  /** Wraps the storage the app sees, e.g. to inject a failure; seeding and assertions see it too. */
  wrapStorage?: (storage: Storage) => Storage;
  /** Environment on top of the harness's (free ports, a temporary DATA_DIR, dev auth, no reconcile timer). */
  environment?: Record<string, string>;
  /** What `createApp` takes: another console folder, extra resolvers, GraphQL limits. */
  appOptions?: CreateAppOptions;
  /** Gives the contract's reference user its 28 opening credits, as `npm start` does (off by default: an empty database). */
  seedReferenceUser?: boolean;
  /** The sandbox's webhook retry schedule; short by default so a failed delivery is retried within seconds. */
  sandboxRetryDelaysMilliseconds?: number[];
  /** The sandbox's delivery clock (`createManualTimers()` from `@topup/stripe-sandbox` to move time by hand). */
  sandboxTimers?: SandboxTimers;
  /** The outbox's clock (`createManualWebhookClock()` from test/support/manualWebhookClock.ts to move time by hand). */
  webhookClock?: WebhookClock;
  /** The mail worker's clock (`createManualWebhookClock()` too), for suites that move time through mail retries. */
  mailClock?: WebhookClock;
  /** Another test server whose Stripe sandbox this one uses (several instances behind one load balancer share one Stripe). */
  shareStripeWith?: TestTopup;
  /** Receives every log line as written (JSON), besides `logs`; `TEST_LOG=1` also prints them. */
  writeLog?: (line: string) => void;
}

export interface GraphQLResult<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> & { code?: string } }>;
  };
  /** The raw response text, to check that nothing (SQL, stacks, another user's id) leaks. */
  text: string;
}

export interface GraphQLRequest {
  variables?: Record<string, unknown>;
  /** A dev token, a Clerk token or a service key, sent as `Authorization: Bearer ...`. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestTopup {
  /** The API and console, e.g. http://127.0.0.1:41234. */
  url: string;
  topup: RunningTopup;
  config: Config;
  /** The storage the app runs on (wrapped, when `wrapStorage` was given). */
  storage: Storage;
  /** The fresh database the harness made, or null when `storage` was given. */
  test: TestStorage | null;
  /** Raw SQL on the server's database, for setup and assertions (null when `storage` was given). */
  database: SqlDatabase | null;
  /** The webhook route's signing secret (the sandbox's, or STRIPE_WEBHOOK_SECRET). */
  webhookSecret: string;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  graphql<Data = Record<string, unknown>>(query: string, request?: GraphQLRequest): Promise<GraphQLResult<Data>>;
  /** A dev token from the real `POST /api/dev/token` (dev auth servers only). */
  devToken(options: { userId: string; email?: string; role?: 'user' | 'admin' }): Promise<string>;
  /** The raw answer of `POST /api/dev/token` to this JSON body, for tests of when it is refused. */
  requestDevToken(body: Record<string, unknown>): Promise<Response>;
  /** POSTs JSON to a sandbox control endpoint (`/sandbox/...`); throws on any answer but a 2xx (or `expectedStatus`). */
  sandbox<Result = Record<string, unknown>>(pathname: string, body?: Record<string, unknown>, options?: { expectedStatus?: number }): Promise<Result>;
  /** Resolves when the sandbox has no webhook in flight or pending, retries included. */
  webhooksDelivered(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole of Topup as users meet it, through `startTopup`: a fresh database of `kind` (or the
 * given storage), the Stripe sandbox on a free port with short webhook retries (unless the
 * environment names a real STRIPE_SECRET_KEY), dev auth unless the environment configures Clerk,
 * `testServiceKey` as a service key, `testAdminUserId` as an admin, listening on a free port.
 */
export async function startTestTopup(options: StartTestTopupOptions = {}): Promise<TestTopup> {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-test-'));
  const test = options.storage === undefined ? await createTestStorage(options.kind ?? 'pglite') : null;
  const baseStorage = options.storage ?? test!.storage;
  const storage = options.wrapStorage?.(baseStorage) ?? baseStorage;
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level: 'debug',
    write: (line) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      options.writeLog?.(line);
      if (process.env.TEST_LOG) process.stderr.write(`${line}\n`);
    },
  });
  let topup: RunningTopup;
  try {
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDirectory,
      STRIPE_SANDBOX_PORT: '0',
      ADMIN_USER_IDS: testAdminUserId,
      SERVICE_API_KEYS: `other-key-zzzzzzzz,${testServiceKey}`,
      RECONCILE_INTERVAL_SECONDS: '0',
      // The outbox worker runs only in suites that ask for it (they drive it, or set an interval).
      WEBHOOK_WORKER_INTERVAL_MS: '0',
      // So does the mail worker (the mail suites drive it with runOnce, or set an interval).
      MAIL_WORKER_INTERVAL_MS: '0',
      // Suites buy many sessions per user within a minute; the rate-limit suite sets the real default.
      RATE_LIMIT_CHECKOUTS_PER_MINUTE: '1000',
      SEED_DEMO_DATA: options.seedReferenceUser ? 'true' : 'false',
      ...options.environment,
    });
    topup = await startTopup({
      config,
      storage,
      log,
      appOptions: options.appOptions,
      sandboxRetryDelaysMilliseconds: options.sandboxRetryDelaysMilliseconds ?? [200, 400, 800, 1600],
      ...(options.sandboxTimers ? { sandboxTimers: options.sandboxTimers } : {}),
      ...(options.webhookClock ? { webhookClock: options.webhookClock } : {}),
      ...(options.mailClock ? { mailClock: options.mailClock } : {}),
      ...(options.shareStripeWith?.topup.stripeSandbox ? { stripeSandbox: options.shareStripeWith.topup.stripeSandbox } : {}),
    });
  } catch (error) {
    await test?.close();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
    throw error;
  }
  const url = topup.url;

  const requestDevToken = (body: Record<string, unknown>): Promise<Response> =>
    fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    url,
    topup,
    config: topup.config,
    storage,
    test,
    database: test?.database ?? null,
    webhookSecret: topup.webhookSecret,
    logs,
    async graphql<Data>(query: string, request: GraphQLRequest = {}): Promise<GraphQLResult<Data>> {
      const response = await fetchRetryingStaleConnection(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
          ...request.headers,
        },
        body: JSON.stringify({ query, variables: request.variables ?? {} }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseBody<GraphQLResult<Data>['body']>(text), text };
    },
    requestDevToken,
    async devToken(tokenOptions) {
      const response = await requestDevToken(tokenOptions);
      if (response.status !== 200) throw new Error(`dev token: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async sandbox<Result>(pathname: string, body: Record<string, unknown> = {}, sandboxOptions: { expectedStatus?: number } = {}): Promise<Result> {
      if (!topup.stripeSandbox) throw new Error('this server talks to real Stripe, not the sandbox');
      const response = await fetch(`${topup.stripeSandbox.url}${pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const expected = sandboxOptions.expectedStatus === undefined ? response.ok : response.status === sandboxOptions.expectedStatus;
      if (!expected) throw new Error(`sandbox ${pathname}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Result;
    },
    async webhooksDelivered() {
      await topup.stripeSandbox?.waitForIdle();
    },
    async close() {
      await topup.close();
      await test?.close();
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** The JSON answer; an answer that is not JSON (Node's own 431, say) reads as an empty body, with `text` keeping it. */
function parseBody<Body>(text: string): Body {
  try {
    return JSON.parse(text) as Body;
  } catch {
    return {} as Body;
  }
}

/**
 * `fetch`, retried once when a pooled keep-alive connection turns out to be closed. In-process
 * PGlite can block the event loop for seconds (seeding a long history), after which the server's
 * keep-alive timer and the client's reuse of the idle socket race; browsers retry this case too.
 */
async function fetchRetryingStaleConnection(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    const cause = error instanceof Error && typeof error.cause === 'object' && error.cause !== null ? error.cause : {};
    if (!('code' in cause) || (cause.code !== 'ECONNRESET' && cause.code !== 'UND_ERR_SOCKET')) throw error;
    return fetch(input, init);
  }
}
