import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { startTestServer, testServiceKey, type TestServer } from '../http/support/startTestServer.ts';

type Caller = 'anonymous' | 'userA' | 'userB' | 'admin' | 'service';
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';

const userA = 'user_MatrixA1';
const userB = 'user_MatrixB2';
const adminId = 'user_MatrixAdmin3';
const serviceActor = `service:${createHash('sha256').update(testServiceKey).digest('hex').slice(0, 8)}`;

/** Every operation of the API this issue serves, with who may run it. */
const operations: Array<{ name: string; query: (caller: Caller) => string; variables?: (caller: Caller) => Record<string, unknown>; expected: Record<Caller, Outcome> }> = [
  {
    name: 'ok',
    query: () => '{ ok }',
    expected: { anonymous: 'ok', userA: 'ok', userB: 'ok', admin: 'ok', service: 'ok' },
  },
  {
    name: 'viewer',
    query: () => '{ viewer { id role } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'ok', userB: 'ok', admin: 'ok', service: 'ok' },
  },
  {
    name: 'me',
    query: () => '{ me { id email credits debt lastCreditUpdate createdAt ledger(first: 100) { edges { cursor node { id userId delta balanceAfter kind reason actor createdAt } } pageInfo { hasNextPage endCursor } } } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'ok', userB: 'ok', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'users',
    query: () => '{ users(first: 100, sort: CREDITS_DESC) { edges { node { id credits } } pageInfo { hasNextPage } } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'user',
    query: () => 'query ($id: ID!) { user(id: $id) { id credits ledger { edges { node { id userId } } } } }',
    variables: () => ({ id: userA }),
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'ledgerEntries',
    query: () => '{ ledgerEntries(first: 100) { edges { node { id userId delta } } } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'creditStats',
    query: () => '{ creditStats(from: "2020-01-01T00:00:00Z", to: "2020-01-08T00:00:00Z", interval: DAY) { currency interval buckets { start creditsSold creditsSpent creditsClawedBack creditsAdjusted revenueMinor } } }',
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'adjustCredits',
    query: () => 'mutation ($input: AdjustCreditsInput!) { adjustCredits(input: $input) { id userId delta actor } }',
    variables: (caller) => ({ input: { userId: userA, delta: 1, reason: 'matrix', idempotencyKey: `matrix-adjust-${caller}` } }),
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'FORBIDDEN' },
  },
  {
    name: 'spendCredits',
    query: () => 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id userId delta actor } }',
    variables: (caller) => ({ input: { userId: userA, amount: 1, reason: 'matrix', idempotencyKey: `matrix-spend-${caller}` } }),
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'FORBIDDEN', admin: 'ok', service: 'ok' },
  },
];

const callers: Caller[] = ['anonymous', 'userA', 'userB', 'admin', 'service'];

describe.each(storageKindsUnderTest())('authorization matrix on %s', (kind) => {
  let server: TestServer;
  const tokens = {} as Record<Caller, string | null>;

  beforeAll(async () => {
    server = await startTestServer({ kind });
    tokens.anonymous = null;
    tokens.userA = await server.devToken({ userId: userA, email: 'a@example.com' });
    tokens.userB = await server.devToken({ userId: userB, email: 'b@example.com' });
    tokens.admin = await server.devToken({ userId: adminId, role: 'admin' });
    tokens.service = testServiceKey;
    // A and B exist (first sight) and each has a history of their own.
    for (const caller of ['userA', 'userB'] as const) {
      expect((await server.graphql('{ me { id } }', { token: tokens[caller] })).body.errors).toBeUndefined();
    }
    for (const userId of [userA, userB]) {
      const granted = await server.graphql('mutation ($input: AdjustCreditsInput!) { adjustCredits(input: $input) { id } }', {
        token: tokens.admin,
        variables: { input: { userId, delta: 100, reason: 'opening balance', idempotencyKey: `setup-${userId}` } },
      });
      expect(granted.body.errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  const cases = operations.flatMap((operation) => callers.map((caller) => ({ operation, caller, expected: operation.expected[caller] })));

  it.each(cases.map((testCase) => [testCase.operation.name, testCase.caller, testCase.expected, testCase] as const))(
    '%s as %s: %s',
    async (_name, caller, expected, testCase) => {
      // Proves one cell of the matrix by running the operation over HTTP with that caller's real credential.
      const result = await server.graphql(testCase.operation.query(caller), {
        token: tokens[caller],
        variables: testCase.operation.variables?.(caller) ?? {},
      });
      expect(result.status).toBe(200);
      if (expected === 'ok') {
        expect(result.body.errors).toBeUndefined();
        expect(result.body.data).toBeTruthy();
      } else {
        expect(result.body.errors?.map((error) => error.extensions?.code)).toEqual([expected]);
        // Nothing is answered: `data` is null, or (for a nullable root field like `user`) the field is.
        expect(Object.values(result.body.data ?? {}).every((value) => value === null)).toBe(true);
      }
    },
  );

  it('shows B nothing of A, and records who moved credits', async () => {
    // Proves isolation and attribution: B's own view holds only B's rows and never A's id; A sees the admin's and the service's ids as actors.
    const meQuery = '{ me { id credits ledger(first: 100) { edges { node { id userId delta kind actor } } } } }';
    const asB = await server.graphql<{ me: { id: string; ledger: { edges: Array<{ node: { id: string; userId: string } }> } } }>(meQuery, { token: tokens.userB });
    expect(asB.body.data?.me.id).toBe(userB);
    expect(asB.body.data?.me.ledger.edges.every((edge) => edge.node.userId === userB)).toBe(true);
    expect(asB.text).not.toContain(userA);

    const asA = await server.graphql<{
      me: { credits: number; ledger: { edges: Array<{ node: { id: string; userId: string; delta: number; kind: string; actor: string } }> } };
    }>(meQuery, { token: tokens.userA });
    const entriesOfA = asA.body.data!.me.ledger.edges.map((edge) => edge.node);
    expect(asA.text).not.toContain(userB);
    const idsOfA = new Set(entriesOfA.map((entry) => entry.id));
    for (const edge of asB.body.data!.me.ledger.edges) expect(idsOfA.has(edge.node.id)).toBe(false);

    // Only the permitted calls of the matrix moved A's credits: the opening 100, the admin's +1, and
    // the admin's and the service's spends of 1; every refused call left no trace.
    const summary = entriesOfA.map((entry) => `${entry.kind}:${entry.delta}:${entry.actor}`).sort();
    expect(summary).toEqual(
      [`ADJUSTMENT:100:${adminId}`, `ADJUSTMENT:1:${adminId}`, `SPEND:-1:${adminId}`, `SPEND:-1:${serviceActor}`].sort(),
    );
    expect(asA.body.data!.me.credits).toBe(99);
  });

  it('lets an admin read any user and their ledger, and tells each caller who they are', async () => {
    // Proves the admin path and the viewer field: the admin sees A's entries through user(id); roles come from the verified credential.
    const asAdmin = await server.graphql<{ user: { id: string; ledger: { edges: Array<{ node: { userId: string } }> } } }>(
      'query ($id: ID!) { user(id: $id) { id ledger(first: 100) { edges { node { userId } } } } }',
      { token: tokens.admin, variables: { id: userA } },
    );
    expect(asAdmin.body.data?.user.ledger.edges.length).toBe(4);
    const missing = await server.graphql('{ user(id: "user_Nobody9") { id } }', { token: tokens.admin });
    expect(missing.body).toEqual({ data: { user: null } });

    const roles: Record<string, unknown> = {};
    for (const caller of ['userA', 'admin', 'service'] as const) {
      roles[caller] = (await server.graphql<{ viewer: unknown }>('{ viewer { id role } }', { token: tokens[caller] })).body.data?.viewer;
    }
    expect(roles).toEqual({
      userA: { id: userA, role: 'USER' },
      admin: { id: adminId, role: 'ADMIN' },
      service: { id: serviceActor, role: 'SERVICE' },
    });
  });
});
