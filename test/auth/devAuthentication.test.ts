import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDevSigningKey } from '../../server/auth/loadDevSigningKey.ts';
import { devTokenAudience, devTokenIssuer } from '../../server/auth/signDevToken.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';
import { unsignedToken } from './support/clerkTokens.ts';

const viewerQuery = '{ viewer { id role } }';

describe('dev auth', () => {
  let dataDirectory: string;
  let server: TestTopup;

  beforeAll(async () => {
    dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'topup-dev-auth-'));
    server = await startTestTopup({ environment: { DATA_DIR: dataDirectory, ADMIN_USER_IDS: 'user_ListedAdmin1' } });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  const mint = (body: unknown, contentType = 'application/json'): Promise<Response> =>
    fetch(`${server.url}/api/dev/token`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

  it('mints tokens for a user or an admin, verified like session tokens', async () => {
    // Proves the endpoint end to end: the minted token carries the user id, email and role into the viewer, and ADMIN_USER_IDS applies too.
    const response = await mint({ userId: 'user_Dev1', email: 'dev@example.com' });
    expect(response.status).toBe(200);
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(11 * 3600_000);
    expect((await server.graphql('{ viewer { id role } me { email } }', { token })).body).toEqual({
      data: { viewer: { id: 'user_Dev1', role: 'USER' }, me: { email: 'dev@example.com' } },
    });
    const admin = await server.devToken({ userId: 'user_Dev2', role: 'admin' });
    expect((await server.graphql(viewerQuery, { token: admin })).body.data).toEqual({ viewer: { id: 'user_Dev2', role: 'ADMIN' } });
    const listed = await server.devToken({ userId: 'user_ListedAdmin1' });
    expect((await server.graphql(viewerQuery, { token: listed })).body.data).toEqual({ viewer: { id: 'user_ListedAdmin1', role: 'ADMIN' } });
  });

  it("creates the user on first `me`, follows a changed email, and keeps it when a token has none", async () => {
    // Proves `me`'s read-first path keeps ensureUser's semantics: the row appears once, the email follows the token, a token without email changes nothing.
    const emailOf = async (email?: string): Promise<unknown> => {
      const token = await server.devToken({ userId: 'user_Mover1', ...(email === undefined ? {} : { email }) });
      return (await server.graphql<{ me: { email: string | null } }>('{ me { email } }', { token })).body.data?.me.email;
    };
    expect(await emailOf('first@example.com')).toBe('first@example.com');
    expect(await emailOf('second@example.com')).toBe('second@example.com');
    expect(await emailOf()).toBe('second@example.com');
    const rows = await server.database!.query<{ count: string | number }>("select count(*) as count from users where id = 'user_Mover1'");
    expect(Number(rows[0]!.count)).toBe(1);
  });

  it('refuses malformed requests with 400', async () => {
    // Proves the endpoint validates before signing: bad ids, roles, emails and non-JSON bodies are refused.
    for (const body of [{}, { userId: 'alice' }, { userId: 'user_x; drop' }, { userId: `user_${'a'.repeat(65)}` }, { userId: 'user_Ok1', role: 'service' }, { userId: 'user_Ok1', email: 'nope' }]) {
      const response = await mint(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_USER_INPUT');
    }
    expect((await mint({ userId: 'user_Ok1' }, 'text/plain')).status).toBe(400);
  });

  it('keeps its signing key private in DATA_DIR, and tokens survive a restart', async () => {
    // Proves the key's lifecycle: one file, mode 0600, reused by a second server on the same DATA_DIR, which accepts the first server's token.
    const token = await server.devToken({ userId: 'user_Restart1' });
    const keyFile = path.join(dataDirectory, 'dev-auth-key.json');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const restarted = await startTestTopup({ environment: { DATA_DIR: dataDirectory } });
    try {
      expect((await restarted.graphql(viewerQuery, { token })).body.data).toEqual({ viewer: { id: 'user_Restart1', role: 'USER' } });
    } finally {
      await restarted.close();
    }
  });

  it('refuses expired, foreign-key, unsigned and tampered dev tokens with 401', async () => {
    // Proves dev tokens go through full verification: expiry, the local key, the algorithm, and the signature over the claims.
    const key = await loadDevSigningKey(dataDirectory);
    const now = Math.floor(Date.now() / 1000);
    const sign = (privateKey: CryptoKey, expiresAt: number): Promise<string> =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
        .setSubject('user_Forger1')
        .setIssuer(devTokenIssuer)
        .setAudience(devTokenAudience)
        .setIssuedAt(now - 100)
        .setExpirationTime(expiresAt)
        .sign(privateKey);
    const codeAndStatus = async (token: string): Promise<unknown> => {
      const result = await server.graphql(viewerQuery, { token });
      return [result.status, result.body.errors?.[0]?.extensions?.code, result.body.errors?.[0]?.message];
    };
    expect(await codeAndStatus(await sign(key.privateKey, now - 60))).toEqual([401, 'UNAUTHENTICATED', 'The dev token has expired; mint a new one']);
    const foreign = await generateKeyPair('ES256');
    expect(await codeAndStatus(await sign(foreign.privateKey, now + 60))).toEqual([401, 'UNAUTHENTICATED', 'The dev token is not valid']);
    expect(await codeAndStatus(unsignedToken({ sub: 'user_Forger1', iss: devTokenIssuer, aud: devTokenAudience, iat: now, exp: now + 60, role: 'admin' }))).toEqual([
      401,
      'UNAUTHENTICATED',
      'The dev token is not valid',
    ]);
    const genuine = await server.devToken({ userId: 'user_Honest1' });
    const [header, , signature] = genuine.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'user_Honest1', role: 'admin', iss: devTokenIssuer, aud: devTokenAudience, iat: now, exp: now + 60 })).toString('base64url');
    expect(await codeAndStatus(`${header}.${payload}.${signature}`)).toEqual([401, 'UNAUTHENTICATED', 'The dev token is not valid']);
  });
});

describe('loadDevSigningKey', () => {
  it('creates exactly one key when several loads race on an empty directory', async () => {
    // Proves the exclusive create: five concurrent first loads all end up with the same key pair.
    const directory = mkdtempSync(path.join(os.tmpdir(), 'topup-dev-key-'));
    try {
      const keys = await Promise.all(Array.from({ length: 5 }, () => loadDevSigningKey(path.join(directory, 'nested'))));
      const publicJwks = await Promise.all(keys.map(async (key) => JSON.stringify(await exportJWK(key.publicKey))));
      expect(new Set(publicJwks).size).toBe(1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
