import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { checkoutSession, eventPayload, postStripeWebhook, stripeEvent } from '../support/stripeEvents.ts';
import { createClerkInstance, type ClerkInstance } from '../auth/support/clerkTokens.ts';

/**
 * The second round's hostile probes (bad input where users really run Topup), as a catalogue: each
 * probe is sent to the real app, and must answer a clear 4xx (or a GraphQL error with a client
 * code), never a 5xx or INTERNAL_SERVER_ERROR, and must change nothing: the ledger, the purchases,
 * the users and the Stripe sandbox's sessions are counted before and after every probe.
 */
interface Probe {
  name: string;
  send(h: Harness): Promise<{ status: number; text: string }>;
  /** The GraphQL error code (or HTTP JSON error code) the probe must get; any client code when absent. */
  code?: string;
  /** The HTTP status it must get; any 4xx (or a 200 with a GraphQL error) when absent. */
  status?: number;
}

interface Harness {
  server: TestTopup;
  alice: string;
  admin: string;
}

const nul = '\u0000';
const long = 'x'.repeat(100_000);

async function graphql(h: Harness, query: string, variables: Record<string, unknown> = {}, token: string | null = h.alice) {
  const result = await h.server.graphql(query, { token, variables });
  return { status: result.status, text: result.text };
}

function cursor(raw: string): string {
  return Buffer.from(raw, 'utf8').toString('base64url');
}

function signedCheckout(h: Harness, overrides: Parameters<typeof checkoutSession>[0]) {
  const payload = eventPayload(stripeEvent('checkout.session.completed', checkoutSession(overrides)));
  return postStripeWebhook(h.server.url, payload, { secret: h.server.webhookSecret });
}

const createSession = 'mutation ($c: SafeInt!) { createCreditTopUpSession(input: { credits: $c }) { sessionId } }';

const probes: Probe[] = [
  // ---- Operations with side effects, multiplied inside one request
  {
    name: '300 aliased createCreditTopUpSession in one request',
    code: 'RATE_LIMITED',
    send: (h) => graphql(h, `mutation { ${Array.from({ length: 300 }, (_, i) => `a${i}: createCreditTopUpSession(input: { credits: 500 }) { sessionId }`).join(' ')} }`),
  },
  {
    name: '6 aliased topUp through a fragment',
    code: 'RATE_LIMITED',
    send: (h) => graphql(h, `query { ...F } fragment F on Query { ${Array.from({ length: 6 }, (_, i) => `t${i}: topUp(sessionId: "cs_test_probe${i}") { status }`).join(' ')} }`),
  },
  // ---- NUL bytes and over-long strings in arguments
  { name: 'NUL byte in spendCredits reason', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'mutation ($r: String) { spendCredits(input: { userId: "user_probeAlice", amount: 1, reason: $r, idempotencyKey: "probe-nul-1" }) { id } }', { r: `a${nul}b` }, testServiceKey) },
  { name: 'NUL byte in an idempotency key', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'mutation ($k: String!) { spendCredits(input: { userId: "user_probeAlice", amount: 1, idempotencyKey: $k }) { id } }', { k: `k${nul}` }, testServiceKey) },
  { name: 'NUL byte in an adjustment reason', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'mutation ($r: String!) { adjustCredits(input: { userId: "user_probeAlice", delta: 5, reason: $r, idempotencyKey: "probe-nul-2" }) { id } }', { r: `${nul}` }, h.admin) },
  { name: 'NUL byte in a users search', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($s: String) { users(search: $s) { edges { node { id } } } }', { s: `al${nul}ice` }, h.admin) },
  { name: 'NUL byte in user(id)', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($id: ID!) { user(id: $id) { id } }', { id: `user_${nul}` }, h.admin) },
  { name: 'NUL byte in a ledger filter user id', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($id: ID) { ledgerEntries(filter: { userId: $id }) { edges { node { id } } } }', { id: `user_${nul}` }, h.admin) },
  { name: '100,000-character users search', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($s: String) { users(search: $s) { edges { node { id } } } }', { s: long }, h.admin) },
  { name: '100,000-character spend reason', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'mutation ($r: String) { spendCredits(input: { userId: "user_probeAlice", amount: 1, reason: $r, idempotencyKey: "probe-long-1" }) { id } }', { r: long }, testServiceKey) },
  { name: '100,000-character idempotency key', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'mutation ($k: String!) { spendCredits(input: { userId: "user_probeAlice", amount: 1, idempotencyKey: $k }) { id } }', { k: long }, testServiceKey) },
  { name: '100,000-character user(id)', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($id: ID!) { user(id: $id) { id } }', { id: long }, h.admin) },
  // ---- Dates and cursors
  { name: 'a ledger filter from the year 99999', code: 'BAD_USER_INPUT', send: (h) => graphql(h, '{ me { ledger(filter: { from: "99999-01-01T00:00:00Z" }) { edges { node { id } } } } }') },
  { name: 'creditStats from the year 0', code: 'BAD_USER_INPUT', send: (h) => graphql(h, '{ creditStats(from: "0000-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { currency } }', {}, h.admin) },
  { name: 'a ledger filter on the 45th of the 13th month', code: 'BAD_USER_INPUT', send: (h) => graphql(h, '{ me { ledger(filter: { from: "2026-13-45T00:00:00Z" }) { edges { node { id } } } } }') },
  { name: 'a users cursor past bigint', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($after: String) { users(sort: CREDITS_DESC, after: $after) { edges { node { id } } } }', { after: cursor('users:credits_desc|9999999999999999999:user_x') }, h.admin) },
  { name: 'a users cursor past the epoch range', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($after: String) { users(after: $after) { edges { node { id } } } }', { after: cursor('users:last_credit_update_desc|-9223372036854775808:user_x') }, h.admin) },
  { name: 'a ledger cursor with a NUL', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($after: String) { me { ledger(after: $after) { edges { node { id } } } } }', { after: cursor(`ledger|1${nul}`) }) },
  { name: 'a purchases cursor whose time is not a number', code: 'BAD_USER_INPUT', send: (h) => graphql(h, 'query ($after: String) { me { purchases(after: $after) { edges { node { sessionId } } } } }', { after: cursor('purchases|abc:cs_x') }) },
  // ---- Protocol
  { name: 'a subscription operation', send: (h) => graphql(h, 'subscription { me { id } }') },
  {
    name: 'a persisted query whose hash does not match its text',
    send: async (h) => {
      const response = await fetch(`${h.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${h.alice}` },
        body: JSON.stringify({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
      });
      return { status: response.status, text: await response.text() };
    },
  },
  // ---- Webhooks: verified, but refused by their content; never a 500 that Stripe retries for days
  {
    name: 'a webhook signed ten minutes in the future',
    status: 400,
    send: (h) => postStripeWebhook(h.server.url, eventPayload(stripeEvent('customer.created', { id: 'cus_probe' })), { secret: h.server.webhookSecret, timestamp: Math.floor(Date.now() / 1000) + 600 }),
  },
  { name: 'a signed completion whose metadata user id holds a NUL', send: (h) => signedCheckout(h, { sessionId: 'cs_test_probe_nul_user', userId: `user_a${nul}b`, credits: 71, amountMinor: 71, paymentIntentId: 'pi_probe_nul_user' }) },
  { name: 'a signed completion whose session id holds a NUL', send: (h) => signedCheckout(h, { sessionId: `cs_test_probe${nul}`, userId: 'user_probeAlice', credits: 71, amountMinor: 71, paymentIntentId: 'pi_probe_nul_session' }) },
  { name: 'a signed completion whose session id is 10,000 characters', send: (h) => signedCheckout(h, { sessionId: `cs_test_${'x'.repeat(10_000)}`, userId: 'user_probeAlice', credits: 71, amountMinor: 71, paymentIntentId: 'pi_probe_long_session' }) },
  { name: 'a signed completion whose currency holds a NUL', send: (h) => signedCheckout(h, { sessionId: 'cs_test_probe_nul_currency', userId: 'user_probeAlice', credits: 71, amountMinor: 71, paymentIntentId: 'pi_probe_nul_currency', currency: `us${nul}` }) },
  {
    name: 'a signed refund whose payment intent id holds a NUL',
    send: (h) => postStripeWebhook(h.server.url, eventPayload(stripeEvent('charge.refunded', { id: 'ch_probe', object: 'charge', payment_intent: `pi_${nul}`, amount: 100, amount_refunded: 50 })), { secret: h.server.webhookSecret }),
  },
  // ---- HTTP
  {
    name: 'a malformed percent-encoded console path',
    status: 400,
    send: async (h) => {
      const response = await fetch(`${h.server.url}/assets/%E0%A4%A.js`, { headers: { 'accept-encoding': 'gzip, br' } });
      return { status: response.status, text: await response.text() };
    },
  },
];

describe('production probes: bad input never becomes a 5xx and changes nothing', () => {
  const h = {} as Harness;

  beforeAll(async () => {
    h.server = await startTestTopup({ kind: 'pglite' });
    h.alice = await h.server.devToken({ userId: 'user_probeAlice', email: 'alice@example.com' });
    h.admin = await h.server.devToken({ userId: 'user_admin', role: 'admin' });
    await h.server.graphql('{ me { id } }', { token: h.alice });
  });

  afterAll(async () => {
    await h.server?.close();
  });

  async function state(): Promise<string> {
    const [row] = (await h.server.database!.query<Record<string, unknown>>(
      `select (select count(*) from users)::int as users, (select count(*) from credit_ledger)::int as entries,
              (select coalesce(sum(credits), 0)::bigint::text from users) as credits, (select count(*) from credit_purchases)::int as purchases`,
    )) as [Record<string, unknown>];
    const sessions = await h.server.topup.stripe.checkout.sessions.list({ limit: 100 });
    return JSON.stringify({ ...row, stripeSessions: sessions.data.length });
  }

  it.each(probes.map((probe) => [probe.name, probe] as const))('%s', async (_name, probe) => {
    const before = await state();
    const answer = await probe.send(h);
    expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
    expect(answer.text).not.toContain('INTERNAL_SERVER_ERROR');
    if (probe.status !== undefined) expect(answer.status, answer.text.slice(0, 300)).toBe(probe.status);
    if (probe.code !== undefined) expect(answer.text, answer.text.slice(0, 300)).toContain(`"${probe.code}"`);
    if (probe.status === undefined && probe.code === undefined && answer.status === 200) {
      // A 200 must be a refusal: a GraphQL error, or a webhook acknowledged as refused or ignored.
      expect(answer.text).toMatch(/"errors"|"refused|"ignored|"flagged/);
    }
    expect(answer.text).not.toMatch(/invalid byte sequence|violates|syntax error at|out of range for type|SQLSTATE/);
    expect(await state()).toBe(before);
  });
});

describe('production probes: token claims Topup cannot store', () => {
  let server: TestTopup;
  let clerk: ClerkInstance;

  beforeAll(async () => {
    clerk = await createClerkInstance();
    server = await startTestTopup({ environment: { CLERK_JWT_KEY: clerk.publicKeyPem } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ['a NUL in the email claim', `ada\u0000@example.com`],
    ['a 1,000-character email claim (over the 320 an address may have)', `${'a'.repeat(1_000)}@example.com`],
    ['an email claim that is not an address', 'not an email'],
  ])('%s: the token still signs in, and the email is not stored', async (_name, email) => {
    // Proves a verified Clerk token whose email claim cannot be stored answers normally (no 5xx, no INTERNAL_SERVER_ERROR) and stores no email.
    const token = await clerk.sessionToken({ userId: 'user_ClaimProbe1', claims: { email } });
    const result = await server.graphql<{ me: { id: string; email: string | null } }>('{ me { id email } }', { token });
    expect(result.status).toBe(200);
    expect(result.text).not.toContain('INTERNAL_SERVER_ERROR');
    expect(result.body.data?.me).toEqual({ id: 'user_ClaimProbe1', email: null });
  });
});
