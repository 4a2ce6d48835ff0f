import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { signedInUser } from '../support/signedInUser.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';

const adjust = 'mutation ($input: AdjustCreditsInput!) { adjustCredits(input: $input) { id userId delta balanceAfter kind reason actor createdAt } }';
const spend = 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id userId delta balanceAfter kind reason actor createdAt } }';
const balance = 'query ($id: ID!) { user(id: $id) { credits debt ledger { edges { node { id } } } } }';

interface Entry {
  id: string;
  delta: number;
  balanceAfter: number;
  actor: string;
}

describe.each(storageKindsUnderTest())('adjustCredits and spendCredits on %s', (kind) => {
  let server: TestTopup;
  let adminToken: string;
  const userId = 'user_Spender1';

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    adminToken = await server.devToken({ userId: 'user_Admin1', role: 'admin' });
    await signedInUser(server, userId);
  });

  afterAll(async () => {
    await server?.close();
  });

  const creditsOf = async (id: string): Promise<{ credits: number; entries: number }> => {
    const result = await server.graphql<{ user: { credits: number; ledger: { edges: unknown[] } } }>(balance, {
      token: adminToken,
      variables: { id },
    });
    return { credits: result.body.data!.user.credits, entries: result.body.data!.user.ledger.edges.length };
  };

  it('replays an adjustment with the same key and input as the original entry, and refuses other input', async () => {
    // Proves idempotency through the API: the second call returns the first entry unchanged and moves nothing; a changed delta under the same key is IDEMPOTENCY_CONFLICT.
    const input = { userId, delta: 250, reason: 'welcome bonus', idempotencyKey: 'adjust-welcome-1' };
    const original = await server.graphql<{ adjustCredits: Entry }>(adjust, { token: adminToken, variables: { input } });
    expect(original.body.errors).toBeUndefined();
    expect(original.body.data!.adjustCredits).toMatchObject({ userId, delta: 250, balanceAfter: 250, kind: 'ADJUSTMENT', actor: 'user_Admin1' });

    const replay = await server.graphql<{ adjustCredits: Entry }>(adjust, { token: adminToken, variables: { input } });
    expect(replay.body.data!.adjustCredits).toEqual(original.body.data!.adjustCredits);
    expect(await creditsOf(userId)).toEqual({ credits: 250, entries: 1 });

    const conflict = await server.graphql(adjust, { token: adminToken, variables: { input: { ...input, delta: 251 } } });
    expect(conflict.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(conflict.body.data).toBeNull();
    expect(await creditsOf(userId)).toEqual({ credits: 250, entries: 1 });
  });

  it('replays a service spend as the original entry, refuses other input, and refuses to overdraw', async () => {
    // Proves spendCredits' guarantees over HTTP: one effect per key, IDEMPOTENCY_CONFLICT on changed input, INSUFFICIENT_CREDITS with the balance in extensions.
    const input = { userId, amount: 40, reason: 'report generated', idempotencyKey: 'spend-report-1' };
    const original = await server.graphql<{ spendCredits: Entry }>(spend, { token: testServiceKey, variables: { input } });
    expect(original.body.errors).toBeUndefined();
    expect(original.body.data!.spendCredits).toMatchObject({ delta: -40, balanceAfter: 210, actor: expect.stringMatching(/^service:[0-9a-f]{8}$/) });
    const replay = await server.graphql<{ spendCredits: Entry }>(spend, { token: testServiceKey, variables: { input } });
    expect(replay.body.data!.spendCredits).toEqual(original.body.data!.spendCredits);

    const conflict = await server.graphql(spend, { token: testServiceKey, variables: { input: { ...input, reason: 'another report' } } });
    expect(conflict.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');

    const overdraw = await server.graphql(spend, {
      token: testServiceKey,
      variables: { input: { userId, amount: 211, idempotencyKey: 'spend-too-much-1' } },
    });
    expect(overdraw.body.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_CREDITS', balance: 210, requested: 211 });
    expect(await creditsOf(userId)).toEqual({ credits: 210, entries: 2 });

    const exact = await server.graphql<{ spendCredits: Entry }>(spend, {
      token: testServiceKey,
      variables: { input: { userId, amount: 210, idempotencyKey: 'spend-all-1' } },
    });
    expect(exact.body.data!.spendCredits.balanceAfter).toBe(0);
  });

  it('answers a burst of identical spends with one entry', async () => {
    // Proves the concurrent replay case: 10 simultaneous requests with one key produce one movement and all return the same entry.
    await server.graphql(adjust, { token: adminToken, variables: { input: { userId, delta: 5, reason: 'refill', idempotencyKey: 'refill-1' } } });
    const input = { userId, amount: 5, idempotencyKey: 'spend-burst-1' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => server.graphql<{ spendCredits: Entry }>(spend, { token: testServiceKey, variables: { input } })),
    );
    const ids = new Set(results.map((result) => result.body.data?.spendCredits.id));
    expect(ids.size).toBe(1);
    expect((await creditsOf(userId)).credits).toBe(0);
  });

  it('refuses bad input with BAD_USER_INPUT: non-integer and unsafe amounts, unknown users, bad pages', async () => {
    // Proves SafeInt and the ledger's validation reach the client as BAD_USER_INPUT / NOT_FOUND, whether the value is a variable or a literal.
    const codeOf = async (query: string, variables: Record<string, unknown> = {}, token = adminToken): Promise<unknown> =>
      (await server.graphql(query, { token, variables })).body.errors?.[0]?.extensions?.code;

    for (const amount of [1.5, 2 ** 53, '5', -(2 ** 53)]) {
      expect(await codeOf(spend, { input: { userId, amount, idempotencyKey: 'bad-amount' } })).toBe('BAD_USER_INPUT');
    }
    expect(await codeOf('mutation { spendCredits(input: { userId: "user_Spender1", amount: 1.5, idempotencyKey: "k" }) { id } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('mutation { spendCredits(input: { userId: "user_Spender1", amount: 9007199254740992, idempotencyKey: "k" }) { id } }')).toBe(
      'BAD_USER_INPUT',
    );
    expect(await codeOf(spend, { input: { userId, amount: 0, idempotencyKey: 'zero' } })).toBe('BAD_USER_INPUT');
    expect(await codeOf(adjust, { input: { userId: 'user_Ghost1', delta: 1, reason: 'x', idempotencyKey: 'ghost' } })).toBe('NOT_FOUND');
    expect(await codeOf('{ ledgerEntries(first: 101) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ ledgerEntries(first: 0) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ ledgerEntries(after: "not-a-cursor") { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ ledgerEntries(filter: { from: "yesterday" }) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ creditStats(from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z") { currency } }')).toBe('BAD_USER_INPUT');
  });

  it('filters a user ledger by kind and date range, and serves creditStats from the ledger', async () => {
    // Proves the filters reach the ledger: SPEND only, and a range that ends before everything yields nothing.
    const token = await server.devToken({ userId });
    const spends = await server.graphql<{ me: { ledger: { edges: Array<{ node: { kind: string } }> } } }>(
      '{ me { ledger(filter: { kinds: [SPEND] }) { edges { node { kind } } } } }',
      { token },
    );
    expect(spends.body.data!.me.ledger.edges.map((edge) => edge.node.kind)).toEqual(['SPEND', 'SPEND', 'SPEND']);
    const none = await server.graphql<{ me: { ledger: { edges: unknown[] } } }>(
      '{ me { ledger(filter: { to: "2000-01-01T00:00:00Z" }) { edges { cursor } } } }',
      { token },
    );
    expect(none.body.data!.me.ledger.edges).toEqual([]);

    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    const tomorrow = new Date(today.getTime() + 86_400_000);
    const stats = await server.graphql<{ creditStats: { currency: string; interval: string; buckets: Array<Record<string, unknown>> } }>(
      'query ($from: DateTime!, $to: DateTime!) { creditStats(from: $from, to: $to, interval: DAY) { currency interval buckets { start creditsSold creditsSpent creditsAdjusted creditsClawedBack revenueMinor } } }',
      { token: adminToken, variables: { from: today.toISOString(), to: tomorrow.toISOString() } },
    );
    expect(stats.body.errors).toBeUndefined();
    expect(stats.body.data!.creditStats).toMatchObject({ currency: 'usd', interval: 'DAY' });
    expect(stats.body.data!.creditStats.buckets).toEqual([
      { start: today.toISOString(), creditsSold: 0, creditsSpent: 255, creditsAdjusted: 255, creditsClawedBack: 0, revenueMinor: 0 },
    ]);
  });
});
