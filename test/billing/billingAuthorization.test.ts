import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

type Caller = 'anonymous' | 'userA' | 'userB' | 'admin' | 'service';
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';

const userA = 'user_BillingA1';
const userB = 'user_BillingB2';
const serviceKey = 'test-service-key-0123456789abcdef';
const callers: Caller[] = ['anonymous', 'userA', 'userB', 'admin', 'service'];

/** The billing operations with who may run them; `sessionOfA` is a paid top-up of user A. */
const operations: Array<{ name: string; query: string; variables?: (context: { sessionOfA: string; caller: Caller }) => Record<string, unknown>; expected: Record<Caller, Outcome> }> = [
  { name: 'pricing', query: '{ pricing { currency unitPrice packs { credits amountMinor } creditsMin creditsMax } }', expected: { anonymous: 'ok', userA: 'ok', userB: 'ok', admin: 'ok', service: 'ok' } },
  { name: 'priceQuote', query: '{ priceQuote(credits: 71) { amountMinor } }', expected: { anonymous: 'ok', userA: 'ok', userB: 'ok', admin: 'ok', service: 'ok' } },
  {
    name: 'topUp of A’s session',
    query: 'query ($id: ID!) { topUp(sessionId: $id) { status credits balance } }',
    variables: ({ sessionOfA }) => ({ id: sessionOfA }),
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'ok', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'createCreditTopUpSession',
    query: 'mutation { createCreditTopUpSession(input: { credits: 100 }) { sessionId } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'ok', userB: 'ok', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'refundTopUp of A’s session',
    query: 'mutation ($id: ID!) { refundTopUp(input: { sessionId: $id, credits: 1 }) { refundId credits } }',
    variables: ({ sessionOfA }) => ({ id: sessionOfA }),
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'flaggedPurchases',
    query: '{ flaggedPurchases(first: 10) { edges { node { sessionId } } } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'me.purchases',
    query: '{ me { purchases(first: 10) { edges { node { sessionId userId } } } } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'ok', userB: 'ok', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'user(A).purchases',
    query: `{ user(id: "${userA}") { purchases(first: 10) { edges { node { sessionId } } } } }`,
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
];

describe.each(storageKindsUnderTest())('billing authorization matrix on %s', (kind) => {
  let server: TestTopup;
  let sessionOfA = '';
  const tokens = {} as Record<Caller, string | null>;

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    tokens.anonymous = null;
    tokens.userA = await server.tokenFor(userA);
    tokens.userB = await server.tokenFor(userB);
    tokens.admin = await server.tokenFor('user_admin', 'admin');
    tokens.service = serviceKey;
    const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>(tokens.userA, 'mutation { createCreditTopUpSession(input: { credits: 500 }) { sessionId } }');
    sessionOfA = created.data!.createCreditTopUpSession.sessionId;
    await server.sandbox(`/sandbox/checkout/sessions/${sessionOfA}/pay`, { outcome: 'paid' });
    await server.topup.stripeSandbox!.waitForIdle();
  });
  afterAll(async () => {
    await server?.close();
  });

  const cases = operations.flatMap((operation) => callers.map((caller) => [operation.name, caller, operation.expected[caller], operation] as const));

  it.each(cases)('%s as %s: %s', async (_name, caller, expected, operation) => {
    // Proves one cell of the matrix over HTTP with the caller's real credential; refusals answer nothing.
    const result = await server.graphql<Record<string, unknown>>(tokens[caller], operation.query, operation.variables?.({ sessionOfA, caller }) ?? {});
    if (expected === 'ok') {
      expect(result.errors).toBeUndefined();
      expect(result.data).toBeTruthy();
    } else {
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual([expected]);
      expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
    }
  });

  it('shows B none of A’s purchases', async () => {
    // Proves isolation: B's purchases list never contains A's session, and B's topUp of it says FORBIDDEN without A's data.
    const asB = await server.graphql<{ me: { purchases: { edges: { node: { sessionId: string; userId: string } }[] } } }>(
      tokens.userB, '{ me { purchases(first: 100) { edges { node { sessionId userId } } } } }',
    );
    expect(asB.data!.me.purchases.edges.every((edge) => edge.node.userId === userB)).toBe(true);
    expect(JSON.stringify(asB)).not.toContain(sessionOfA);
    const probe = await server.graphql(tokens.userB, 'query ($id: ID!) { topUp(sessionId: $id) { balance } }', { id: sessionOfA });
    expect(JSON.stringify(probe)).not.toMatch(/"balance":\s*\d/);
  });

  it('loads the purchases of a ledger page in one database call, each with its own entry', async () => {
    // Proves the batch loader: three purchase entries resolve to their own sessions, with one find_purchases call and no find_purchase.
    const token = await server.tokenFor('user_BatchBuyer');
    const sessions: string[] = [];
    for (const credits of [100, 200, 300]) {
      const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>(token, `mutation { createCreditTopUpSession(input: { credits: ${credits} }) { sessionId } }`);
      sessions.push(created.data!.createCreditTopUpSession.sessionId);
      await server.sandbox(`/sandbox/checkout/sessions/${sessions.at(-1)}/pay`, { outcome: 'paid' });
    }
    await server.topup.stripeSandbox!.waitForIdle();
    const calls: string[] = [];
    const storage = server.test.storage;
    const original = storage.call.bind(storage);
    storage.call = (name, args) => {
      calls.push(name);
      return original(name, args);
    };
    try {
      const result = await server.graphql<{ me: { ledger: { edges: { node: { delta: number; purchase: { sessionId: string; credits: number } | null } }[] } } }>(
        token, '{ me { ledger(first: 10) { edges { node { delta purchase { sessionId credits } } } } } }',
      );
      const nodes = result.data!.me.ledger.edges.map((edge) => edge.node);
      // Webhooks may land in any order, so the entries are compared as a set: each with its own purchase.
      expect(nodes.map((node) => [node.delta, node.purchase?.credits]).sort((a, b) => a[0]! - b[0]!)).toEqual([[100, 100], [200, 200], [300, 300]]);
      expect(new Set(nodes.map((node) => node.purchase?.sessionId))).toEqual(new Set(sessions));
      expect(calls.filter((name) => name === 'find_purchases')).toHaveLength(1);
      expect(calls.filter((name) => name === 'find_purchase')).toHaveLength(0);
    } finally {
      storage.call = original;
    }
  });
});
