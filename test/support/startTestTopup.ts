import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { silentLogger, createLogger } from '../../server/log.ts';
import { startTopup, type RunningTopup } from '../../server/app/startTopup.ts';
import { createTestStorage, type LedgerStorageKind, type TestStorage } from './testStorage.ts';

export interface TestTopup {
  topup: RunningTopup;
  test: TestStorage;
  /** The sandbox's base URL (control endpoints under /sandbox/...). */
  sandboxUrl: string;
  tokenFor(userId: string, role?: 'user' | 'admin'): Promise<string>;
  graphql<Data = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>>;
  /** POST JSON to a sandbox control endpoint; throws on a non-2xx answer. */
  sandbox<Result = Record<string, unknown>>(pathname: string, body?: Record<string, unknown>): Promise<Result>;
  close(): Promise<void>;
}

export interface GraphQLResponse<Data> {
  status: number;
  data: Data | null;
  errors: { message: string; extensions?: { code?: string } }[] | undefined;
}

/**
 * The whole server as users meet it: a fresh database of `kind`, the Stripe sandbox on a free port
 * with fast webhook retries, dev auth, the reference user seeded, listening on a free port.
 */
export async function startTestTopup(options: { kind: LedgerStorageKind; environment?: Record<string, string> }): Promise<TestTopup> {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-e2e-'));
  const test = await createTestStorage(options.kind);
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDirectory,
    STRIPE_SANDBOX_PORT: '0',
    ADMIN_USER_IDS: 'user_admin',
    SERVICE_API_KEYS: 'test-service-key-0123456789abcdef',
    RECONCILE_INTERVAL_SECONDS: '0',
    ...options.environment,
  });
  const topup = await startTopup({
    config,
    storage: test.storage,
    log: process.env.TEST_LOG ? createLogger() : silentLogger,
    sandboxRetryDelaysMilliseconds: [200, 400, 800, 1600],
  });
  const baseUrl = topup.url;
  const tokens = new Map<string, string>();
  return {
    topup,
    test,
    sandboxUrl: topup.stripeSandbox!.url,
    async tokenFor(userId, role = 'user') {
      const key = `${userId}:${role}`;
      if (!tokens.has(key)) {
        const response = await fetch(`${baseUrl}/api/dev/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId, email: `${userId.toLowerCase()}@example.com`, role }),
        });
        if (!response.ok) throw new Error(`dev token: ${response.status} ${await response.text()}`);
        tokens.set(key, ((await response.json()) as { token: string }).token);
      }
      return tokens.get(key)!;
    },
    async graphql<Data>(token: string | null, query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Data; errors?: GraphQLResponse<Data>['errors'] };
      return { status: response.status, data: body.data ?? null, errors: body.errors };
    },
    async sandbox<Result>(pathname: string, body: Record<string, unknown> = {}) {
      const response = await fetch(`${topup.stripeSandbox!.url}${pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`sandbox ${pathname}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Result;
    },
    async close() {
      await topup.close();
      await test.close();
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 50 ms until it returns true, or fails after `timeoutMilliseconds`. */
export async function waitFor(check: () => Promise<boolean>, options: { timeoutMilliseconds?: number; what: string }): Promise<void> {
  const deadline = Date.now() + (options.timeoutMilliseconds ?? 10_000);
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${options.what}`);
}
