import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { signedInUser } from '../support/signedInUser.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';

const promote = 'mutation ($input: GrantPromotionalCreditsInput!) { grantPromotionalCredits(input: $input) { id userId delta balanceAfter kind actor } }';
const reserve = 'mutation ($input: ReserveCreditsInput!) { reserveCredits(input: $input) { id userId amount status expiresAt capturedCredits } }';
const capture = 'mutation ($input: CaptureCreditsInput!) { captureCredits(input: $input) { id amount status capturedCredits } }';
const release = 'mutation ($input: ReleaseCreditsInput!) { releaseCredits(input: $input) { id status } }';
const batch = 'mutation ($input: SpendCreditsBatchInput!) { spendCreditsBatch(input: $input) { idempotencyKey entry { delta balanceAfter } error { code } } }';
const account =
  'query ($id: ID!) { user(id: $id) { credits heldCredits availableCredits lots(includeSpent: true) { id kind credits remaining expiresAt purchase { sessionId } } holds { id status } ledger { edges { node { kind delta actor } } } } }';

interface Account {
  credits: number;
  heldCredits: number;
  availableCredits: number;
  lots: { kind: string; credits: number; remaining: number; expiresAt: string | null }[];
  holds: { id: string; status: string }[];
  ledger: { edges: { node: { kind: string; delta: number; actor: string } }[] };
}

describe.each(storageKindsUnderTest())('lots, holds and batch spends through GraphQL on %s', (kind) => {
  let server: TestTopup;
  let adminToken: string;
  let userToken: string;
  const userId = 'user_LotHolder1';

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    adminToken = await server.devToken({ userId: 'user_LotAdmin1', role: 'admin' });
    userToken = await signedInUser(server, userId);
  });

  afterAll(async () => {
    await server?.close();
  });

  const accountOf = async (): Promise<Account> => {
    const result = await server.graphql<{ user: Account }>(account, { token: adminToken, variables: { id: userId } });
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.user;
  };

  it('grants promotional credits that stop counting at their expiry, and writes one EXPIRY entry', async () => {
    // Proves expiry at the instant through the API: a lot expiring 2 s ahead counts until then, is never counted after (read, spend), and the next movement writes its EXPIRY entry first.
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    const granted = await server.graphql<{ grantPromotionalCredits: { delta: number; kind: string } }>(promote, {
      token: testServiceKey,
      variables: { input: { userId, credits: 30, reason: 'launch', expiresAt, idempotencyKey: 'promo-1' } },
    });
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data!.grantPromotionalCredits).toMatchObject({ delta: 30, kind: 'PROMOTION' });
    await server.graphql(promote, { token: adminToken, variables: { input: { userId, credits: 11, reason: 'forever', idempotencyKey: 'promo-2' } } });
    const before = await accountOf();
    expect(before).toMatchObject({ credits: 41, availableCredits: 41 });
    expect(before.lots.map((lot) => [lot.credits, lot.expiresAt !== null])).toEqual([[30, true], [11, false]]);

    await vi.waitFor(async () => expect((await accountOf()).credits).toBe(11), { timeout: 5000, interval: 200 });
    const refused = await server.graphql(batch, { token: testServiceKey, variables: { input: { items: [{ userId, amount: 12, idempotencyKey: 'batch-over' }, { userId, amount: 1, idempotencyKey: 'batch-one' }] } } });
    // The refused item moved nothing (its expiry is written by the next movement that happens, here the second item).
    expect(refused.body.data).toEqual({
      spendCreditsBatch: [
        { idempotencyKey: 'batch-over', entry: null, error: { code: 'INSUFFICIENT_CREDITS' } },
        { idempotencyKey: 'batch-one', entry: { delta: -1, balanceAfter: 10 }, error: null },
      ],
    });
    const after = await accountOf();
    const expiries = after.ledger.edges.map((edge) => edge.node).filter((node) => node.kind === 'EXPIRY');
    expect(expiries).toEqual([{ kind: 'EXPIRY', delta: -30, actor: 'system' }]);
    expect(after.lots.map((lot) => lot.remaining)).toEqual([0, 10]);
    const verification = await server.database!.query<{ v: { problemCount: number } }>('select verify_ledger() as v');
    expect(verification[0]!.v.problemCount).toBe(0);
  });

  it('reserves, refuses past availableCredits, captures part, replays, and answers HOLD_NOT_ACTIVE', async () => {
    // Proves the hold lifecycle: held credits cannot be spent, capture spends its amount once and releases the rest, a finished hold is HOLD_NOT_ACTIVE, a replay returns the original.
    const hold = await server.graphql<{ reserveCredits: { id: string; status: string; amount: number } }>(reserve, {
      token: testServiceKey,
      variables: { input: { userId, amount: 8, reason: 'job', idempotencyKey: 'hold-1' } },
    });
    expect(hold.body.errors).toBeUndefined();
    const holdId = hold.body.data!.reserveCredits.id;
    expect(await accountOf()).toMatchObject({ credits: 10, heldCredits: 8, availableCredits: 2 });
    const tooMuch = await server.graphql(reserve, { token: testServiceKey, variables: { input: { userId, amount: 3, idempotencyKey: 'hold-2' } } });
    expect(tooMuch.body.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_CREDITS');
    const replay = await server.graphql<{ reserveCredits: { id: string } }>(reserve, {
      token: testServiceKey,
      variables: { input: { userId, amount: 8, reason: 'job', idempotencyKey: 'hold-1' } },
    });
    expect(replay.body.data!.reserveCredits.id).toBe(holdId);

    const captured = await server.graphql(capture, { token: testServiceKey, variables: { input: { holdId, amount: 5, idempotencyKey: 'capture-1' } } });
    expect(captured.body.data).toEqual({ captureCredits: { id: holdId, amount: 8, status: 'CAPTURED', capturedCredits: 5 } });
    const again = await server.graphql(capture, { token: testServiceKey, variables: { input: { holdId, amount: 5, idempotencyKey: 'capture-1' } } });
    expect(again.body.data).toEqual(captured.body.data);
    expect(await accountOf()).toMatchObject({ credits: 5, heldCredits: 0, availableCredits: 5 });
    const released = await server.graphql(release, { token: testServiceKey, variables: { input: { holdId } } });
    expect(released.body.errors?.[0]?.extensions?.code).toBe('HOLD_NOT_ACTIVE');

    const second = await server.graphql<{ reserveCredits: { id: string } }>(reserve, {
      token: adminToken,
      variables: { input: { userId, amount: 2, idempotencyKey: 'hold-3', expiresInSeconds: 60 } },
    });
    const secondId = second.body.data!.reserveCredits.id;
    expect((await server.graphql(release, { token: adminToken, variables: { input: { holdId: secondId } } })).body.data).toEqual({
      releaseCredits: { id: secondId, status: 'RELEASED' },
    });
    const late = await server.graphql(capture, { token: adminToken, variables: { input: { holdId: secondId, amount: 1, idempotencyKey: 'capture-2' } } });
    expect(late.body.errors?.[0]?.extensions?.code).toBe('HOLD_NOT_ACTIVE');
    const tooLong = await server.graphql(reserve, { token: adminToken, variables: { input: { userId, amount: 1, idempotencyKey: 'hold-4', expiresInSeconds: 86_401 } } });
    expect(tooLong.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await accountOf()).credits).toBe(5);
  });

  it('answers a batch in input order, items failing on their own, the same user never overdrawn', async () => {
    // Proves spendCreditsBatch: 4 items for one user with 5 credits, two fit, one overdraws, one is malformed; nothing else moves.
    const items = [
      { userId, amount: 2, idempotencyKey: 'b-1' },
      { userId, amount: 4, idempotencyKey: 'b-2' },
      { userId, amount: 0, idempotencyKey: 'b-3' },
      { userId, amount: 3, idempotencyKey: 'b-4' },
    ];
    const result = await server.graphql(batch, { token: testServiceKey, variables: { input: { items } } });
    expect(result.body.data).toEqual({
      spendCreditsBatch: [
        { idempotencyKey: 'b-1', entry: { delta: -2, balanceAfter: 3 }, error: null },
        { idempotencyKey: 'b-2', entry: null, error: { code: 'INSUFFICIENT_CREDITS' } },
        { idempotencyKey: 'b-3', entry: null, error: { code: 'BAD_USER_INPUT' } },
        { idempotencyKey: 'b-4', entry: { delta: -3, balanceAfter: 0 }, error: null },
      ],
    });
    expect((await accountOf()).credits).toBe(0);
  });

  it('refuses the new operations to anonymous callers and users, and lets users read only their own lots', async () => {
    // Proves authorization of every new operation: anonymous is UNAUTHENTICATED, a user FORBIDDEN for mutations; a user's own lots and holds are readable through me.
    const operations: [string, Record<string, unknown>][] = [
      [promote, { input: { userId, credits: 1, reason: 'x', idempotencyKey: 'auth-1' } }],
      [reserve, { input: { userId, amount: 1, idempotencyKey: 'auth-2' } }],
      [capture, { input: { holdId: '1', amount: 1, idempotencyKey: 'auth-3' } }],
      [release, { input: { holdId: '1' } }],
      [batch, { input: { items: [] } }],
    ];
    for (const [query, variables] of operations) {
      expect((await server.graphql(query, { variables })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await server.graphql(query, { token: userToken, variables })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const own = await server.graphql<{ me: { lots: unknown[]; holds: unknown[] } }>('{ me { lots(includeSpent: true) { id } holds { id } } }', { token: userToken });
    expect(own.body.data!.me.lots.length).toBe(2);
    expect(own.body.data!.me.holds.length).toBe(2);
    expect((await accountOf()).credits).toBe(0);
  });
});
