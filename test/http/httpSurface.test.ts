import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Storage } from '../../server/db/storage.ts';
import { fakeConsoleBuild } from '../support/fakeConsoleBuild.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

describe('HTTP surface', () => {
  const consoleBuild = fakeConsoleBuild({ 'assets/app-3f2a.js': 'console.log("topup")' });
  let server: TestTopup;

  beforeAll(async () => {
    server = await startTestTopup({ appOptions: { consoleDirectory: consoleBuild.directory } });
  });

  afterAll(async () => {
    await server?.close();
    consoleBuild.remove();
  });

  it('answers the probes: /healthz always, /readyz from the database', async () => {
    // Proves liveness and readiness against a real migrated database.
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('gives every request an id, keeps a sane incoming one, and logs one JSON line per request', async () => {
    // Proves request ids in and out and the access log: a plain caller id is echoed, a hostile one is replaced, and the log line carries it.
    const kept = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith "quotes"' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await server.graphql('{ ok }', { headers: { 'x-request-id': 'trace-graphql-1' } });
    // The access log line is written when the response finishes, which may be just after the client has it.
    await vi.waitFor(() =>
      expect(server.logs.find((line) => line.requestId === 'trace-graphql-1' && line.message === 'http request')).toMatchObject({
        level: 'info',
        method: 'POST',
        path: '/graphql',
        route: '/graphql',
        status: 200,
      }),
    );
  });

  it('exposes Prometheus metrics for HTTP requests and GraphQL operations', async () => {
    // Proves /metrics counts what happened: a request by route and status, its latency histogram, operations by outcome and errors by code.
    await server.graphql('{ ok }');
    await server.graphql('{ me { id } }');
    await fetch(`${server.url}/no/such/page.png`);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="console",status="404"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{method="POST",route="\/graphql",status="200",le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} \d+$/m);
    expect(text).toMatch(/^graphql_operations_total\{operation_type="query",outcome="success"\} \d+$/m);
    expect(text).toMatch(/^graphql_operations_total\{operation_type="query",outcome="error"\} \d+$/m);
    expect(text).toMatch(/^graphql_errors_total\{code="UNAUTHENTICATED"\} \d+$/m);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('serves the console: files, long-cached assets, and index.html for app routes', async () => {
    // Proves the SPA fallback: deep links like the payment success page load index.html, a missing asset is a 404, unknown API paths are JSON 404s.
    const asset = await fetch(`${server.url}/assets/app-3f2a.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const pathAndQuery of ['/', '/payment/success?session_id=cs_test_1', '/admin/users/user_1']) {
      const page = await fetch(`${server.url}${pathAndQuery}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('<title>Topup console</title>');
    }
    expect((await fetch(`${server.url}/assets/missing-1.js`)).status).toBe(404);
    const unknownApi = await fetch(`${server.url}/api/nothing`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route GET /api/nothing' } });
  });

  it('hands the Stripe webhook route the exact bytes, before any JSON parser', async () => {
    // Proves the webhook mount point of the one app: a signed body with odd spacing verifies only if
    // the route sees it byte for byte (a re-serialized body would fail the signature).
    const body = '{ "id":"evt_raw_1",  "object":"event", "type" : "customer.created", "created": 1700000000, "livemode": false, "data": { "object": { "id": "cus_1" } } }\n';
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: server.webhookSecret });
    const response = await fetch(`${server.url}/api/stripe/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'ignored: customer.created is not handled' });
  });

  it('sets protective headers on every response', async () => {
    // Proves the small hardening: no framework banner, no MIME sniffing, no framing.
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('HTTP surface without a console build or a database', () => {
  it('says how to build the console, and /readyz reports an unreachable database with 503', async () => {
    // Proves the two degraded states: / explains `npm run build:console`, other app routes 404, and readiness fails while liveness holds.
    const unreachable: Storage = {
      kind: 'postgres',
      call: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      checkReady: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      close: () => Promise.resolve(),
    };
    const notBuilt = fakeConsoleBuild({}, { index: false });
    const server = await startTestTopup({ storage: unreachable, appOptions: { consoleDirectory: notBuilt.directory } });
    try {
      const root = await fetch(`${server.url}/`);
      expect(root.status).toBe(200);
      expect(await root.text()).toContain('npm run build:console');
      expect((await fetch(`${server.url}/admin`)).status).toBe(404);
      const ready = await fetch(`${server.url}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([503, { status: 'not_ready', detail: 'connect ECONNREFUSED 127.0.0.1:5432' }]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
      notBuilt.remove();
    }
  });
});
