import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';

type Caller = 'anonymous' | 'userA' | 'userB' | 'admin' | 'service';
type Refusal = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
const callers: Caller[] = ['anonymous', 'userA', 'userB', 'admin', 'service'];

const userA = 'user_MatrixA1';
const userB = 'user_MatrixB2';
const adminId = 'user_MatrixAdmin3';
const serviceActor = `service:${createHash('sha256').update(testServiceKey).digest('hex').slice(0, 8)}`;
const callerIds: Record<Caller, string | null> = { anonymous: null, userA, userB, admin: adminId, service: serviceActor };

interface CellContext {
  caller: Caller;
  /** The caller's user id, or the service's actor id. */
  callerId: string;
  /** User A's paid 500-credit top-up. */
  sessionOfA: string;
  /** The balance in the database, to compare what the API answered with. */
  balanceOf(userId: string): Promise<number>;
  server: TestTopup;
}

/** What an allowed call must answer: an assertion on its `data`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each cell reads the shape of its own query.
type Check = (data: any, context: CellContext) => void | Promise<void>;

interface Operation {
  name: string;
  query: string;
  variables?: (context: { caller: Caller; sessionOfA: string }) => Record<string, unknown>;
  expected: Record<Caller, Refusal | Check>;
}

/** Who may run an operation: a refusal code, or the check of what they get. */
const anyone = (check: Check): Operation['expected'] => ({ anonymous: check, userA: check, userB: check, admin: check, service: check });
const signedIn = (check: Check): Operation['expected'] => ({ ...anyone(check), anonymous: 'UNAUTHENTICATED' });
const users = (check: Check): Operation['expected'] => ({ ...signedIn(check), service: 'FORBIDDEN' });
const admins = (check: Check): Operation['expected'] => ({ ...users(check), userA: 'FORBIDDEN', userB: 'FORBIDDEN' });
const adminsAndService = (check: Check): Operation['expected'] => ({ ...admins(check), service: check });

const roles: Record<Caller, string> = { anonymous: '', userA: 'USER', userB: 'USER', admin: 'ADMIN', service: 'SERVICE' };
type LedgerNode = { id: string; userId: string; delta: number; kind: string; actor: string };
const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** A's own view of the paid top-up, and the admin's: paid, 500 credits, and A's balance (not the caller's). */
const paidTopUpOfA: Check = async (data, { balanceOf }) => expect(data.topUp).toEqual({ status: 'PAID', credits: 500, balance: await balanceOf(userA) });

/** Every operation of the API with who may run it and what they must get; the cells run in this order. */
const operations: Operation[] = [
  { name: 'ok', query: '{ ok }', expected: anyone((data) => expect(data).toEqual({ ok: true })) },
  {
    name: 'viewer',
    query: '{ viewer { id role } }',
    expected: signedIn((data, { caller, callerId }) => expect(data.viewer).toEqual({ id: callerId, role: roles[caller] })),
  },
  {
    name: 'pricing',
    query: '{ pricing { currency unitPrice packs { credits amountMinor } creditsMin creditsMax } }',
    expected: anyone((data) =>
      expect(data.pricing).toEqual({
        currency: 'usd',
        unitPrice: '0.01',
        packs: [{ credits: 500, amountMinor: 500 }, { credits: 1000, amountMinor: 1000 }, { credits: 2500, amountMinor: 2500 }],
        creditsMin: 50,
        creditsMax: 1_000_000,
      }),
    ),
  },
  { name: 'priceQuote', query: '{ priceQuote(credits: 71) { amountMinor } }', expected: anyone((data) => expect(data).toEqual({ priceQuote: { amountMinor: 71 } })) },
  {
    name: 'me',
    query: '{ me { id email credits debt lastCreditUpdate createdAt ledger(first: 100) { edges { cursor node { id userId delta balanceAfter kind reason actor createdAt } } pageInfo { hasNextPage endCursor } } } }',
    expected: users(async (data, { callerId, balanceOf }) => {
      const nodes = data.me.ledger.edges.map((edge: { node: LedgerNode }) => edge.node) as LedgerNode[];
      expect(data.me.id).toBe(callerId);
      expect(nodes.every((node) => node.userId === callerId)).toBe(true);
      expect(data.me.credits).toBe(sum(nodes.map((node) => node.delta)));
      expect(data.me.credits).toBe(await balanceOf(callerId));
    }),
  },
  {
    name: 'me.purchases',
    query: '{ me { purchases(first: 10) { edges { node { sessionId userId } } } } }',
    expected: users((data, { caller, callerId, sessionOfA }) => {
      const nodes = data.me.purchases.edges.map((edge: { node: unknown }) => edge.node) as { sessionId: string; userId: string }[];
      expect(nodes.every((node) => node.userId === callerId)).toBe(true);
      expect(nodes.some((node) => node.sessionId === sessionOfA)).toBe(caller === 'userA');
    }),
  },
  {
    name: 'me.lots and holds',
    query: '{ me { credits heldCredits availableCredits lots(includeSpent: true) { remaining } holds { userId } } }',
    expected: users(async (data, { callerId, balanceOf }) => {
      expect(data.me.credits).toBe(await balanceOf(callerId));
      expect(sum(data.me.lots.map((lot: { remaining: number }) => lot.remaining))).toBe(Math.max(0, data.me.credits));
      expect(data.me.availableCredits).toBe(Math.max(0, data.me.credits - data.me.heldCredits));
      expect(data.me.holds.every((hold: { userId: string }) => hold.userId === callerId)).toBe(true);
    }),
  },
  {
    name: 'users',
    query: '{ users(first: 100, sort: CREDITS_DESC) { edges { node { id credits } } pageInfo { hasNextPage } } }',
    expected: admins(async (data, { balanceOf }) => {
      const nodes = data.users.edges.map((edge: { node: unknown }) => edge.node) as { id: string; credits: number }[];
      expect(nodes.map((node) => node.id)).toEqual(expect.arrayContaining([userA, userB]));
      expect(nodes.map((node) => node.credits)).toEqual(nodes.map((node) => node.credits).sort((left, right) => right - left));
      expect(nodes.find((node) => node.id === userA)?.credits).toBe(await balanceOf(userA));
    }),
  },
  {
    name: 'user(A)',
    query: 'query ($id: ID!) { user(id: $id) { id credits ledger { edges { node { id userId delta } } } } }',
    variables: () => ({ id: userA }),
    expected: admins(async (data, { balanceOf }) => {
      const nodes = data.user.ledger.edges.map((edge: { node: unknown }) => edge.node) as LedgerNode[];
      expect(data.user.id).toBe(userA);
      expect(nodes.every((node) => node.userId === userA)).toBe(true);
      expect(data.user.credits).toBe(await balanceOf(userA));
    }),
  },
  {
    name: 'user(A).purchases',
    query: `{ user(id: "${userA}") { purchases(first: 10) { edges { node { sessionId } } } } }`,
    expected: admins((data, { sessionOfA }) => expect(data.user.purchases.edges).toEqual([{ node: { sessionId: sessionOfA } }])),
  },
  {
    name: 'ledgerEntries',
    query: '{ ledgerEntries(first: 100) { edges { node { id userId delta } } } }',
    expected: admins(async (data, { server }) => {
      const nodes = data.ledgerEntries.edges.map((edge: { node: unknown }) => edge.node) as LedgerNode[];
      expect(new Set(nodes.map((node) => node.userId))).toEqual(new Set([userA, userB]));
      const [row] = await server.database!.query<{ count: string | number }>('select count(*) as count from credit_ledger');
      expect(nodes).toHaveLength(Number(row!.count));
    }),
  },
  {
    name: 'creditStats',
    query: '{ creditStats(from: "2020-01-01T00:00:00Z", to: "2020-01-08T00:00:00Z", interval: DAY) { currency interval buckets { start creditsSold creditsSpent creditsClawedBack creditsAdjusted revenueMinor } } }',
    expected: admins((data) => {
      expect(data.creditStats).toMatchObject({ currency: 'usd', interval: 'DAY' });
      // A week of 2020, before anything happened: seven empty days.
      expect(data.creditStats.buckets).toHaveLength(7);
      expect(data.creditStats.buckets[0].start).toBe('2020-01-01T00:00:00.000Z');
      for (const bucket of data.creditStats.buckets) {
        expect(bucket).toMatchObject({ creditsSold: 0, creditsSpent: 0, creditsClawedBack: 0, creditsAdjusted: 0, revenueMinor: 0 });
      }
    }),
  },
  {
    name: 'topUp of A’s session',
    query: 'query ($id: ID!) { topUp(sessionId: $id) { status credits balance } }',
    variables: ({ sessionOfA }) => ({ id: sessionOfA }),
    // B is told the session does not exist, as for a made-up id: never that it is someone else's.
    expected: { ...admins(paidTopUpOfA), userA: paidTopUpOfA, userB: 'NOT_FOUND' },
  },
  {
    name: 'createCreditTopUpSession',
    query: 'mutation { createCreditTopUpSession(input: { credits: 100 }) { sessionId credits amountMinor } }',
    expected: users(async (data, { callerId, server }) => {
      expect(data.createCreditTopUpSession).toMatchObject({ sessionId: expect.stringMatching(/^cs_/), credits: 100, amountMinor: 100 });
      // Recorded for the caller, whoever the caller is: the user comes from the token.
      const rows = await server.database!.query<{ user_id: string }>('select user_id from credit_purchases where session_id = $1', [data.createCreditTopUpSession.sessionId]);
      expect(rows).toEqual([{ user_id: callerId }]);
    }),
  },
  {
    name: 'purchase of A’s session',
    query: 'query ($id: ID!) { purchase(sessionId: $id) { sessionId userId refundableAmountMinor } }',
    variables: ({ sessionOfA }) => ({ id: sessionOfA }),
    expected: admins((data, { sessionOfA }) => expect(data.purchase).toMatchObject({ sessionId: sessionOfA, userId: userA })),
  },
  {
    name: 'flaggedPurchases',
    query: '{ flaggedPurchases(first: 10) { edges { node { sessionId } } } }',
    expected: admins((data) => expect(data).toEqual({ flaggedPurchases: { edges: [] } })),
  },
  {
    name: 'adjustCredits',
    query: 'mutation ($input: AdjustCreditsInput!) { adjustCredits(input: $input) { userId delta actor } }',
    variables: ({ caller }) => ({ input: { userId: userA, delta: 1, reason: 'matrix', idempotencyKey: `matrix-adjust-${caller}` } }),
    expected: admins((data) => expect(data).toEqual({ adjustCredits: { userId: userA, delta: 1, actor: adminId } })),
  },
  {
    name: 'spendCredits',
    query: 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { userId delta actor } }',
    variables: ({ caller }) => ({ input: { userId: userA, amount: 1, reason: 'matrix', idempotencyKey: `matrix-spend-${caller}` } }),
    expected: adminsAndService((data, { callerId }) => expect(data).toEqual({ spendCredits: { userId: userA, delta: -1, actor: callerId } })),
  },
  {
    name: 'spendCreditsBatch',
    query: 'mutation ($input: SpendCreditsBatchInput!) { spendCreditsBatch(input: $input) { idempotencyKey entry { userId delta actor } error { code } } }',
    variables: ({ caller }) => ({ input: { items: [{ userId: userA, amount: 1, idempotencyKey: `matrix-batch-${caller}` }] } }),
    expected: adminsAndService((data, { caller, callerId }) =>
      expect(data.spendCreditsBatch).toEqual([{ idempotencyKey: `matrix-batch-${caller}`, entry: { userId: userA, delta: -1, actor: callerId }, error: null }]),
    ),
  },
  {
    name: 'grantPromotionalCredits',
    query: 'mutation ($input: GrantPromotionalCreditsInput!) { grantPromotionalCredits(input: $input) { userId delta kind actor } }',
    variables: ({ caller }) => ({ input: { userId: userA, credits: 2, reason: 'matrix', idempotencyKey: `matrix-promotion-${caller}` } }),
    expected: adminsAndService((data, { callerId }) =>
      expect(data.grantPromotionalCredits).toEqual({ userId: userA, delta: 2, kind: 'PROMOTION', actor: callerId }),
    ),
  },
  {
    name: 'reserveCredits',
    query: 'mutation ($input: ReserveCreditsInput!) { reserveCredits(input: $input) { userId amount status capturedCredits } }',
    variables: ({ caller }) => ({ input: { userId: userA, amount: 1, idempotencyKey: `matrix-hold-${caller}` } }),
    expected: adminsAndService((data) => expect(data.reserveCredits).toEqual({ userId: userA, amount: 1, status: 'ACTIVE', capturedCredits: null })),
  },
  {
    name: 'user(A) lots and holds',
    query: `query ($id: ID!) { user(id: $id) { heldCredits availableCredits credits lots { kind remaining } holds(status: ACTIVE) { userId status } } }`,
    variables: () => ({ id: userA }),
    expected: admins(async (data, { balanceOf }) => {
      const user = data.user;
      expect(user.credits).toBe(await balanceOf(userA));
      expect(user.availableCredits).toBe(user.credits - user.heldCredits);
      expect(sum(user.lots.map((lot: { remaining: number }) => lot.remaining))).toBe(user.credits);
      expect(user.holds.every((hold: { userId: string; status: string }) => hold.userId === userA && hold.status === 'ACTIVE')).toBe(true);
    }),
  },
  {
    name: 'refundTopUp of A’s session',
    query: 'mutation ($id: ID!) { refundTopUp(input: { sessionId: $id, credits: 1 }) { refundId credits amountMinor } }',
    variables: ({ sessionOfA }) => ({ id: sessionOfA }),
    expected: admins((data) => expect(data.refundTopUp).toEqual({ refundId: expect.stringMatching(/^re_/), credits: 1, amountMinor: 1 })),
  },
  { name: 'webhookEndpoints', query: '{ webhookEndpoints { id } }', expected: admins((data) => expect(Array.isArray(data.webhookEndpoints)).toBe(true)) },
  { name: 'webhookEventTypes', query: '{ webhookEventTypes }', expected: admins((data) => expect(data.webhookEventTypes).toContain('balance.low')) },
  {
    name: 'webhookDeliveries',
    query: '{ webhookDeliveries(first: 1) { edges { node { id } } } }',
    expected: admins((data) => expect(Array.isArray(data.webhookDeliveries.edges)).toBe(true)),
  },
  {
    name: 'createWebhookEndpoint',
    query: 'mutation { createWebhookEndpoint(input: { url: "https://app.example/hooks", eventTypes: ["balance.low"] }) { endpoint { url enabled } secret } }',
    expected: admins((data) => expect(data.createWebhookEndpoint).toEqual({ endpoint: { url: 'https://app.example/hooks', enabled: true }, secret: expect.stringMatching(/^whsec_/) })),
  },
  {
    name: 'setLowBalanceThreshold',
    query: 'mutation ($userId: ID!) { setLowBalanceThreshold(input: { userId: $userId, credits: 50 }) { id lowBalanceCredits } }',
    variables: () => ({ userId: userA }),
    expected: adminsAndService((data) => expect(data.setLowBalanceThreshold).toEqual({ id: userA, lowBalanceCredits: 50 })),
  },
];

describe.each(storageKindsUnderTest())('authorization matrix on %s', (kind) => {
  let server: TestTopup;
  let sessionOfA = '';
  const tokens = {} as Record<Caller, string | null>;

  const balanceOf = async (userId: string): Promise<number> => {
    const rows = await server.database!.query<{ credits: string | number }>('select credits from users where id = $1', [userId]);
    return Number(rows[0]?.credits ?? 0);
  };

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    tokens.anonymous = null;
    tokens.userA = await server.devToken({ userId: userA, email: 'a@example.com' });
    tokens.userB = await server.devToken({ userId: userB, email: 'b@example.com' });
    tokens.admin = await server.devToken({ userId: adminId, role: 'admin' });
    tokens.service = testServiceKey;
    // A and B exist (first sight) and each has a history of their own; A has paid for a top-up.
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
    const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>('mutation { createCreditTopUpSession(input: { credits: 500 }) { sessionId } }', { token: tokens.userA });
    sessionOfA = created.body.data!.createCreditTopUpSession.sessionId;
    await server.sandbox(`/sandbox/checkout/sessions/${sessionOfA}/pay`, { outcome: 'paid' });
    await server.webhooksDelivered();
    expect(await balanceOf(userA)).toBe(600);
  });

  afterAll(async () => {
    await server?.close();
  });

  const cases = operations.flatMap((operation) => callers.map((caller) => [operation.name, caller, operation.expected[caller], operation] as const));

  it.each(cases.map(([name, caller, expected, operation]) => [name, caller, typeof expected === 'string' ? expected : 'ok', expected, operation] as const))(
    '%s as %s: %s',
    async (_name, caller, _outcome, expected, operation) => {
      // Proves one cell of the matrix over HTTP with that caller's real credential: a refusal answers its code and no data, an allowed call answers the right data.
      const result = await server.graphql(operation.query, { token: tokens[caller], variables: operation.variables?.({ caller, sessionOfA }) ?? {} });
      expect(result.status).toBe(200);
      if (typeof expected === 'string') {
        expect(result.body.errors?.map((error) => error.extensions?.code)).toEqual([expected]);
        // Nothing is answered: `data` is null, or (for a nullable root field like `user`) the field is.
        expect(Object.values(result.body.data ?? {}).every((value) => value === null)).toBe(true);
      } else {
        expect(result.body.errors).toBeUndefined();
        await expected(result.body.data, { caller, callerId: callerIds[caller]!, sessionOfA, balanceOf, server });
      }
    },
  );

  it('shows B nothing of A, and records who moved credits', async () => {
    // Proves isolation and attribution: B's own view holds only B's rows and never A's id; A's ledger holds exactly the permitted moves of the matrix, each with its actor.
    await server.webhooksDelivered();
    const meQuery = '{ me { id credits ledger(first: 100) { edges { node { id userId delta kind actor } } } } }';
    const asB = await server.graphql<{ me: { id: string; ledger: { edges: Array<{ node: { id: string; userId: string } }> } } }>(meQuery, { token: tokens.userB });
    expect(asB.body.data?.me.id).toBe(userB);
    expect(asB.body.data?.me.ledger.edges.every((edge) => edge.node.userId === userB)).toBe(true);
    expect(asB.text).not.toContain(userA);

    const asA = await server.graphql<{ me: { credits: number; ledger: { edges: Array<{ node: LedgerNode }> } } }>(meQuery, { token: tokens.userA });
    const entriesOfA = asA.body.data!.me.ledger.edges.map((edge) => edge.node);
    expect(asA.text).not.toContain(userB);
    const idsOfA = new Set(entriesOfA.map((entry) => entry.id));
    for (const edge of asB.body.data!.me.ledger.edges) expect(idsOfA.has(edge.node.id)).toBe(false);

    // Only the permitted calls of the matrix moved A's credits: the opening 100, the purchase, the
    // admin's +1, the admin's and the service's spends of 1 (alone and in a batch), their promotional
    // grants of 2, and the admin's refund of 1 (applied by Stripe's charge.refunded); holds move no
    // credits; every refused call left no trace.
    const summary = entriesOfA.map((entry) => `${entry.kind}:${entry.delta}:${entry.actor}`).sort();
    expect(summary).toEqual(
      [
        `ADJUSTMENT:100:${adminId}`,
        'PURCHASE:500:stripe',
        `ADJUSTMENT:1:${adminId}`,
        `SPEND:-1:${adminId}`,
        `SPEND:-1:${serviceActor}`,
        `SPEND:-1:${adminId}`,
        `SPEND:-1:${serviceActor}`,
        `PROMOTION:2:${adminId}`,
        `PROMOTION:2:${serviceActor}`,
        'REFUND:-1:stripe',
      ].sort(),
    );
    expect(asA.body.data!.me.credits).toBe(600);
  });

  it('shows B none of A’s purchases', async () => {
    // Proves isolation of purchases: B's purchases list never contains A's session, and B's topUp of it says NOT_FOUND (as for a made-up id) without A's data.
    const asB = await server.graphql<{ me: { purchases: { edges: { node: { sessionId: string; userId: string } }[] } } }>(
      '{ me { purchases(first: 100) { edges { node { sessionId userId } } } } }',
      { token: tokens.userB },
    );
    expect(asB.body.data!.me.purchases.edges.length).toBeGreaterThan(0);
    expect(asB.body.data!.me.purchases.edges.every((edge) => edge.node.userId === userB)).toBe(true);
    expect(asB.text).not.toContain(sessionOfA);
    const probe = await server.graphql('query ($id: ID!) { topUp(sessionId: $id) { balance } }', { token: tokens.userB, variables: { id: sessionOfA } });
    expect(probe.body.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(probe.text).not.toMatch(/"balance":\s*\d/);
  });

  it('lets an admin read any user and their ledger, and tells each caller who they are', async () => {
    // Proves the admin path and the viewer field: the admin sees all ten of A's entries through user(id); roles come from the verified credential.
    const asAdmin = await server.graphql<{ user: { id: string; ledger: { edges: Array<{ node: { userId: string } }> } } }>(
      'query ($id: ID!) { user(id: $id) { id ledger(first: 100) { edges { node { userId } } } } }',
      { token: tokens.admin, variables: { id: userA } },
    );
    expect(asAdmin.body.data?.user.ledger.edges.map((edge) => edge.node.userId)).toEqual(Array(10).fill(userA));
    const missing = await server.graphql('{ user(id: "user_Nobody9") { id } }', { token: tokens.admin });
    expect(missing.body).toEqual({ data: { user: null } });

    const viewers: Record<string, unknown> = {};
    for (const caller of ['userA', 'admin', 'service'] as const) {
      viewers[caller] = (await server.graphql<{ viewer: unknown }>('{ viewer { id role } }', { token: tokens[caller] })).body.data?.viewer;
    }
    expect(viewers).toEqual({
      userA: { id: userA, role: 'USER' },
      admin: { id: adminId, role: 'ADMIN' },
      service: { id: serviceActor, role: 'SERVICE' },
    });
  });
});
