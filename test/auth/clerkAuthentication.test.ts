import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { authorizedParty, clerkIssuer, createClerkInstance, unsignedToken, type ClerkInstance } from './support/clerkTokens.ts';

const viewerQuery = '{ viewer { id role } }';

describe('Clerk session tokens', () => {
  let clerk: ClerkInstance;
  let otherClerk: ClerkInstance;
  let server: TestTopup;

  beforeAll(async () => {
    clerk = await createClerkInstance();
    otherClerk = await createClerkInstance();
    server = await startTestTopup({
      environment: {
        CLERK_JWT_KEY: clerk.publicKeyPem,
        CLERK_AUTHORIZED_PARTIES: `${authorizedParty},https://topup.example.com`,
        ADMIN_USER_IDS: 'user_ListedAdmin1',
      },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const rejection = async (token: string): Promise<{ status: number; code: unknown; message: unknown }> => {
    const result = await server.graphql(viewerQuery, { token });
    return { status: result.status, code: result.body.errors?.[0]?.extensions?.code, message: result.body.errors?.[0]?.message };
  };

  it('accepts a valid session token and creates the user on first sight', async () => {
    // Proves the happy path with real verification (signature, azp, times) and that `me` creates the row from the token's sub and email.
    const token = await clerk.sessionToken({ userId: 'user_32mSltWx9KkUkJe3sN2Bkym2w45', claims: { email: 'ada@example.com' } });
    expect((await server.graphql(viewerQuery, { token })).body).toEqual({ data: { viewer: { id: 'user_32mSltWx9KkUkJe3sN2Bkym2w45', role: 'USER' } } });
    const me = await server.graphql('{ me { id email credits } }', { token });
    expect(me.body).toEqual({ data: { me: { id: 'user_32mSltWx9KkUkJe3sN2Bkym2w45', email: 'ada@example.com', credits: 0 } } });
  });

  it('grants admin from ADMIN_USER_IDS or a role claim (top level or metadata), and nothing else', async () => {
    // Proves the admin rule for Clerk tokens, including that an unrelated claim value grants nothing.
    const roleOf = async (userId: string, claims: Record<string, unknown> = {}): Promise<unknown> =>
      (await server.graphql<{ viewer: { role: string } }>(viewerQuery, { token: await clerk.sessionToken({ userId, claims }) })).body.data?.viewer.role;
    expect(await roleOf('user_ListedAdmin1')).toBe('ADMIN');
    expect(await roleOf('user_ClaimAdmin2', { role: 'admin' })).toBe('ADMIN');
    expect(await roleOf('user_MetadataAdmin3', { metadata: { role: 'admin' } })).toBe('ADMIN');
    expect(await roleOf('user_Plain4', { role: 'member', metadata: { role: 'owner' } })).toBe('USER');
  });

  it('refuses expired, not-yet-valid, foreign, wrong-party and pending tokens with 401 UNAUTHENTICATED', async () => {
    // Proves each check of verifyToken is on: the request fails as a whole with the contract code and Clerk's reason.
    const expired = await clerk.sessionToken({ userId: 'user_Late1', expiresInSeconds: -60 });
    expect(await rejection(expired)).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'The session token was rejected (token-expired)' });
    const early = await clerk.sessionToken({ userId: 'user_Early1', notBeforeOffsetSeconds: 120 });
    expect(await rejection(early)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringContaining('token-not-active-yet') });
    const foreign = await otherClerk.sessionToken({ userId: 'user_Foreign1' });
    expect(await rejection(foreign)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringContaining('signature') });
    const wrongParty = await clerk.sessionToken({ userId: 'user_Phished1', claims: { azp: 'https://evil.example.com' } });
    expect(await rejection(wrongParty)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringContaining('authorized-parties') });
    const pending = await clerk.sessionToken({ userId: 'user_Pending1', claims: { sts: 'pending' } });
    expect(await rejection(pending)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses alg none and an HMAC token keyed with the public key (algorithm confusion)', async () => {
    // Proves that only RS* signatures count: an unsigned token and an HS256 token "signed" with the known public PEM are both refused.
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'user_Forged1', sid: 'sess_1', iss: clerkIssuer, azp: authorizedParty, iat: now, nbf: now, exp: now + 60, role: 'admin' };
    expect(await rejection(unsignedToken(claims))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signingInput = `${encode({ alg: 'HS256', typ: 'JWT', kid: 'ins_2RfWKJREkjKbHZy0Wqa5qrHeAnb' })}.${encode(claims)}`;
    const hmac = createHmac('sha256', clerk.publicKeyPem).update(signingInput).digest('base64url');
    expect(await rejection(`${signingInput}.${hmac}`)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await rejection('not.a.jwt')).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('turns dev auth off: no token endpoint, and a dev-shaped token is refused', async () => {
    // Proves that configuring Clerk closes the dev sign-in: POST /api/dev/token is 404 and an ES256 "topup-dev" token does not verify.
    const response = await server.requestDevToken({ userId: 'user_Dev1', role: 'admin' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'Dev auth is off: Clerk is configured or NODE_ENV is production' },
    });
    const { signDevToken } = await import('../../server/auth/signDevToken.ts');
    const { loadDevSigningKey } = await import('../../server/auth/loadDevSigningKey.ts');
    const devToken = await signDevToken({ key: await loadDevSigningKey(server.config.dataDirectory), userId: 'user_Dev1', email: null, role: 'admin' });
    expect(await rejection(devToken.token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('still accepts service keys, and refuses a malformed Authorization header', async () => {
    // Proves the other credential kinds next to Clerk: a service key is role SERVICE; "Basic ..." is 401; no header is anonymous.
    expect((await server.graphql<{ viewer: { role: string } }>(viewerQuery, { token: testServiceKey })).body.data?.viewer.role).toBe('SERVICE');
    expect((await server.graphql(viewerQuery, { token: 'wrong-service-key' })).status).toBe(401);
    const basic = await server.graphql(viewerQuery, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    expect(basic.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const anonymous = await server.graphql(viewerQuery);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
