import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppServices } from '../../../server/app/appServices.ts';
import { createBilling } from '../../../server/billing/createBilling.ts';
import { loadConfig, type Config } from '../../../server/config.ts';
import type { Storage } from '../../../server/db/storage.ts';
import type { SqlDatabase } from '../../../server/db/sqlDatabase.ts';
import { createApp, type CreateAppOptions } from '../../../server/app/createApp.ts';
import { startHttpServer } from '../../../server/http/startHttpServer.ts';
import { createLogger } from '../../../server/log.ts';
import { createStripeClient } from '../../../server/billing/stripe/createStripeClient.ts';
import { createTestStorage, type StorageKind } from '../../support/testStorage.ts';
import { createLedger } from '../../../server/ledger/createLedger.ts';

/** The webhook signing secret of every test server (its Stripe is unreachable, but signed events still apply). */
const testWebhookSecret = 'whsec_test_server_0123456789abcdef';

/** The service key every test server accepts. */
export const testServiceKey = 'test-service-key-0123456789abcdef';

export interface GraphQLResult<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> & { code?: string } }>;
  };
  /** The raw response text, to check that nothing (SQL, stacks) leaks. */
  text: string;
}

export interface TestServer {
  url: string;
  config: Config;
  storage: Storage;
  webhookSecret: string;
  /** Raw SQL on the server's database, for setup only. */
  database: SqlDatabase | null;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  graphql<Data = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResult<Data>>;
  /** A dev token from the real `POST /api/dev/token` (dev auth servers only). */
  devToken(options: { userId: string; email?: string; role?: 'user' | 'admin' }): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real Topup HTTP server on a free port, on a fresh migrated database of `kind` (or the given
 * storage), with dev auth unless `environment` configures Clerk, and `testServiceKey` as a service key.
 */
export async function startTestServer(
  options: {
    kind?: StorageKind;
    storage?: Storage;
    /** Wraps the storage the app sees, e.g. to inject a failure. */
    wrapStorage?: (storage: Storage) => Storage;
    environment?: Record<string, string>;
    appOptions?: CreateAppOptions;
  } = {},
): Promise<TestServer> {
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'topup-http-test-'));
  const testStorage = options.storage === undefined ? await createTestStorage(options.kind ?? 'pglite') : null;
  const baseStorage = options.storage ?? testStorage!.storage;
  const storage = options.wrapStorage?.(baseStorage) ?? baseStorage;
  const config = loadConfig({ DATA_DIR: dataDirectory, SERVICE_API_KEYS: `other-key-zzzzzzzz,${testServiceKey}`, ...options.environment });
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  // These suites do not reach Stripe: billing is built against a closed port, so a call would fail loudly.
  const stripe = createStripeClient({ secretKey: 'sk_test_not_used_by_these_tests', baseUrl: 'http://127.0.0.1:9' });
  const billing = createBilling({ config, storage, log, stripe, webhookSecret: testWebhookSecret });
  const services: AppServices = { config, storage, log, billing, ledger: createLedger(storage) };
  const running = await startHttpServer({ app: createApp(services, options.appOptions), port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${running.port}`;

  return {
    url,
    config,
    storage,
    webhookSecret: testWebhookSecret,
    database: testStorage?.database ?? null,
    logs,
    async graphql<Data>(query: string, requestOptions: Parameters<TestServer['graphql']>[1] = {}): Promise<GraphQLResult<Data>> {
      const response = await fetchRetryingStaleConnection(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(requestOptions.token ? { authorization: `Bearer ${requestOptions.token}` } : {}),
          ...requestOptions.headers,
        },
        body: JSON.stringify({ query, variables: requestOptions.variables ?? {} }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text) as GraphQLResult<Data>['body'], text };
    },
    async devToken(tokenOptions) {
      const response = await fetch(`${url}/api/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(tokenOptions),
      });
      if (response.status !== 200) throw new Error(`dev token: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async close() {
      await running.close();
      await testStorage?.close();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
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
