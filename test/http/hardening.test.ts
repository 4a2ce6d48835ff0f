import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mailHtmlStyleHashSources } from '../../server/mail/mailHtmlStyles.ts';
import { fakeConsoleBuild } from '../support/fakeConsoleBuild.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: target.hostname, port: target.port, path: target.pathname, headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('HTTP hardening in development', () => {
  let server: TestTopup;
  const consoleBuild = fakeConsoleBuild({ 'assets/app-1.js.map': '{"version":3}' });

  beforeAll(async () => {
    server = await startTestTopup({ kind: 'pglite', environment: { METRICS_TOKEN: 'scrape-token-123' }, appOptions: { consoleDirectory: consoleBuild.directory } });
  });

  afterAll(async () => {
    await server?.close();
    consoleBuild.remove();
  });

  it('answers only localhost names and refuses a rebound foreign Host with 403', async () => {
    // Proves the DNS-rebinding guard: the same socket answers Host 127.0.0.1 and localhost, and refuses evil.example with a JSON 403 that names the rule.
    for (const host of [`127.0.0.1:${server.topup.port}`, `localhost:${server.topup.port}`]) {
      expect((await getWithHost(`${server.topup.url}/healthz`, host)).status, host).toBe(200);
    }
    const refused = await getWithHost(`${server.topup.url}/healthz`, 'evil.example:80');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('sends a Content-Security-Policy, nosniff, a Referrer-Policy and no framing on console and API responses', async () => {
    // Proves the headers on a console page and on the API: a self-only CSP with frame-ancestors none, and no HSTS outside production.
    for (const pathname of ['/', '/graphql?query=%7Bok%7D']) {
      const response = await fetch(`${server.topup.url}${pathname}`, { headers: { 'apollo-require-preflight': 'true' } });
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy, pathname).toContain("default-src 'self'");
      expect(policy, pathname).toContain("frame-ancestors 'none'");
      expect(policy, pathname).toContain("script-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('allows the mails\' fixed inline styles by hash on console pages, never any inline style', async () => {
    // Proves the mail preview's policy (docs/mail.md): the console's style-src without Clerk is 'self', 'unsafe-hashes' and one hash per
    // mail style, and no 'unsafe-inline', so the preview's srcdoc frame is styled as sent while an injected arbitrary style stays blocked.
    const response = await fetch(`${server.topup.url}/admin/mail`);
    const policy = response.headers.get('content-security-policy') ?? '';
    const styleSource = policy.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('style-src '));
    expect(styleSource).toBe(`style-src 'self' ${mailHtmlStyleHashSources().join(' ')}`);
    expect(styleSource).not.toContain("'unsafe-inline'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("frame-src 'none'");
  });

  it('keeps /metrics behind METRICS_TOKEN when it is set', async () => {
    // Proves the metrics gate: no token and a wrong token are 401, the right bearer token gets Prometheus text.
    expect((await fetch(`${server.topup.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.topup.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-123' } })).status).toBe(401);
    const allowed = await fetch(`${server.topup.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-123' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('# TYPE');
  });

  it('answers a malformed percent-encoded console path with 400, not 500', async () => {
    // Proves bad input in the path is the client's error: decodeURIComponent's URIError never becomes a 500.
    const response = await fetch(`${server.topup.url}/assets/%E0%A4%A.js`, { headers: { 'accept-encoding': 'br' } });
    expect(response.status).toBe(400);
  });

  it('serves source maps in development (they are refused in production, see below)', async () => {
    // Proves the development side of the source-map rule, so the production refusal below is a real difference.
    expect((await fetch(`${server.topup.url}/assets/app-1.js.map`)).status).toBe(200);
  });
});

describe('npm start on a fresh DATA_DIR', () => {
  let dataDirectory: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    dataDirectory = path.join(mkdtempSync(path.join(os.tmpdir(), 'topup-data-modes-')), 'data');
  });

  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(path.dirname(dataDirectory), { recursive: true, force: true });
  });

  it('creates DATA_DIR 0700 and every file in it 0600 or tighter, and listens on 127.0.0.1 only', async () => {
    // Proves the files that hold secrets (PGlite's, the dev signing key, the sandbox state with its webhook secret) are private to the account, by booting the real entry point and reading the modes.
    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, NODE_ENV: 'development', PORT: '0', STRIPE_SANDBOX_PORT: '0', DATA_DIR: dataDirectory, RECONCILE_INTERVAL_SECONDS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await vi.waitFor(
      () => {
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
        if (!match) throw new Error(`not listening yet: ${output.slice(-500)}`);
        return Number(match[1]);
      },
      { timeout: 60_000, interval: 100 },
    );
    // The dev signing key is made on first use: ask for a token so it exists.
    const token = await fetch(`http://127.0.0.1:${port}/api/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'user_modes1' }),
    });
    expect(token.status).toBe(200);
    expect(statSync(dataDirectory).mode & 0o777).toBe(0o700);
    const loose: string[] = [];
    const walk = (directory: string): void => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        const mode = statSync(full).mode & 0o777;
        if (entry.isDirectory()) {
          if ((mode & 0o077) !== 0) loose.push(`${full} ${mode.toString(8)}`);
          walk(full);
        } else if ((mode & 0o077) !== 0) loose.push(`${full} ${mode.toString(8)}`);
      }
    };
    walk(dataDirectory);
    expect(readdirSync(dataDirectory)).toEqual(expect.arrayContaining(['dev-auth-key.json', 'pglite']));
    expect(loose).toEqual([]);
  }, 90_000);
});
