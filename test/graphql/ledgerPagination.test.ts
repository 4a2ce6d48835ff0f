import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLedgerHistory } from '../support/seedLedgerHistory.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

const historyLength = 100_000;
const userId = 'user_LongHistory1';
const otherUserId = 'user_Neighbour2';

interface LedgerPage {
  edges: Array<{ cursor: string; node: { id: string; userId: string; balanceAfter: number } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe.each(storageKindsUnderTest())('ledger pagination on %s', (kind) => {
  let server: TestTopup;
  let userToken: string;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    userToken = await server.devToken({ userId });
    adminToken = await server.devToken({ userId: 'user_Admin1', role: 'admin' });
    // Another user's entries on both sides of the long history: a page must never pick them up.
    await seedLedgerHistory(server.database!, { userId: otherUserId, entries: 50 });
    await seedLedgerHistory(server.database!, { userId, entries: historyLength });
    await seedLedgerHistory(server.database!, { userId: otherUserId, entries: 50 });
    // The history arrives in one statement; a real PostgreSQL's autovacuum would then analyze the
    // table, PGlite never does. Without statistics the planner expects a few rows per user and
    // sorts the whole remaining history for every deep page.
    await server.database!.query('analyze credit_ledger');
  }, 300_000);

  afterAll(async () => {
    await server?.close();
  });

  it(`walks a history of ${historyLength} entries page by page, skipping and repeating none, deep pages as fast as the first`, async () => {
    // Proves keyset pagination end to end: following endCursor over HTTP visits every one of the user's entries exactly once, newest first, and the last pages take no longer than the first ones.
    const seen = new Set<string>();
    let previousId = Number.POSITIVE_INFINITY;
    let previousBalance = historyLength + 1;
    let after: string | null = null;
    let pages = 0;
    const pageMilliseconds: number[] = [];
    for (;;) {
      const startedAt = performance.now();
      const result: Awaited<ReturnType<typeof server.graphql<{ me: { ledger: LedgerPage } }>>> = await server.graphql(
        'query ($after: String) { me { ledger(first: 100, after: $after) { edges { cursor node { id userId balanceAfter } } pageInfo { hasNextPage endCursor } } } }',
        { token: userToken, variables: { after } },
      );
      pageMilliseconds.push(performance.now() - startedAt);
      expect(result.body.errors).toBeUndefined();
      const page = result.body.data!.me.ledger;
      pages += 1;
      for (const { node } of page.edges) {
        expect(node.userId).toBe(userId);
        expect(seen.has(node.id)).toBe(false);
        seen.add(node.id);
        // Newest first, and the running balance counts down by one per entry: nothing in between was skipped.
        expect(Number(node.id)).toBeLessThan(previousId);
        expect(node.balanceAfter).toBe(previousBalance - 1);
        previousId = Number(node.id);
        previousBalance = node.balanceAfter;
      }
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges.length).toBe(100);
      after = page.pageInfo.endCursor;
    }
    expect(seen.size).toBe(historyLength);
    expect(previousBalance).toBe(1);
    expect(pages).toBe(historyLength / 100);
    // Medians of the first and the last 100 pages: OFFSET would make the last ones ~1000 times slower.
    const median = (values: number[]): number => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;
    expect(median(pageMilliseconds.slice(-100))).toBeLessThan(median(pageMilliseconds.slice(0, 100)) * 3 + 5);
  }, 600_000);

  it('pages the admin ledger across users with filters, continuing right below a cursor', async () => {
    // Proves ledgerEntries' keyset with user and kind filters (no other user's rows, pages contiguous), and that a cursor of one list is refused by another.
    const query =
      'query ($after: String, $userId: ID) { ledgerEntries(first: 100, after: $after, filter: { userId: $userId, kinds: [ADJUSTMENT] }) { edges { cursor node { id userId } } pageInfo { hasNextPage endCursor } } }';
    const first = await server.graphql<{ ledgerEntries: LedgerPage }>(query, { token: adminToken, variables: { userId: otherUserId } });
    expect(first.body.data!.ledgerEntries.edges.length).toBe(100);
    expect(first.body.data!.ledgerEntries.pageInfo.hasNextPage).toBe(false);
    expect(new Set(first.body.data!.ledgerEntries.edges.map((edge) => edge.node.userId))).toEqual(new Set([otherUserId]));

    // Three pages of the long history: each starts right below the previous one's last entry.
    const newest = await server.graphql<{ me: { ledger: LedgerPage } }>(
      '{ me { ledger(first: 1) { edges { node { id } } } } }',
      { token: userToken },
    );
    const newestId = Number(newest.body.data!.me.ledger.edges[0]!.node.id);
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const result: Awaited<ReturnType<typeof server.graphql<{ ledgerEntries: LedgerPage }>>> = await server.graphql(query, {
        token: adminToken,
        variables: { userId, after },
      });
      const ids = result.body.data!.ledgerEntries.edges.map((edge) => Number(edge.node.id));
      expect(ids).toEqual(Array.from({ length: 100 }, (_, index) => newestId - page * 100 - index));
      after = result.body.data!.ledgerEntries.pageInfo.endCursor;
    }

    const wrongList = await server.graphql('query ($after: String) { users(after: $after) { edges { cursor } } }', {
      token: adminToken,
      variables: { after },
    });
    expect(wrongList.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 120_000);
});
