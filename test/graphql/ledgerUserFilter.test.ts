import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

/**
 * Proves the admin ledger's `userIdContains` filter over HTTP on each database: part of a user id in
 * any case finds that user's entries (as the users search does), LIKE's `%` and `_` match only
 * themselves, the exact `userId` filter is unchanged, and an over-long text is BAD_USER_INPUT.
 */
describe.each(storageKindsUnderTest())('the ledger filter by part of a user id on %s', (kind) => {
  let server: TestTopup;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    adminToken = await server.devToken({ userId: 'user_FilterAdmin', role: 'admin' });
    for (const [userId, index] of [['user_FilterOne', 1], ['user_FilterXOne', 2], ['user_Unrelated', 3]] as const) {
      // The user's first signed-in request makes the user.
      expect((await server.graphql('{ me { id } }', { token: await server.devToken({ userId }) })).body.errors).toBeUndefined();
      const answer = await server.graphql(
        'mutation ($input: AdjustCreditsInput!) { adjustCredits(input: $input) { id } }',
        { token: adminToken, variables: { input: { userId, delta: 10 * index, reason: 'filter test', idempotencyKey: `filter-${index}` } } },
      );
      expect(answer.body.errors).toBeUndefined();
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  async function usersMatching(filter: Record<string, unknown>): Promise<string[]> {
    const answer = await server.graphql<{ ledgerEntries: { edges: Array<{ node: { userId: string } }> } }>(
      'query ($filter: AdminLedgerFilter) { ledgerEntries(filter: $filter, first: 100) { edges { node { userId } } } }',
      { token: adminToken, variables: { filter } },
    );
    expect(answer.body.errors).toBeUndefined();
    return [...new Set(answer.body.data!.ledgerEntries.edges.map((edge) => edge.node.userId))].sort();
  }

  it('finds entries by any part of an id in any case, with % and _ taken literally', async () => {
    expect(await usersMatching({ userIdContains: 'filter' })).toEqual(['user_FilterOne', 'user_FilterXOne']);
    // Unescaped, `r_o` would match "rXo" and `user%one` both ids.
    expect(await usersMatching({ userIdContains: 'RxO' })).toEqual(['user_FilterXOne']);
    expect(await usersMatching({ userIdContains: 'r_o' })).toEqual([]);
    expect(await usersMatching({ userIdContains: 'user%one' })).toEqual([]);
    expect(await usersMatching({ userIdContains: 'unrel', kinds: ['ADJUSTMENT'] })).toEqual(['user_Unrelated']);
    expect(await usersMatching({ userId: 'user_Filter' })).toEqual([]);
    expect(await usersMatching({ userId: 'user_FilterOne' })).toEqual(['user_FilterOne']);
  });

  it('refuses an over-long filter text with BAD_USER_INPUT, and a service may not read the admin ledger', async () => {
    const long = await server.graphql('query ($text: String) { ledgerEntries(filter: { userIdContains: $text }) { edges { cursor } } }', {
      token: adminToken,
      variables: { text: 'x'.repeat(201) },
    });
    expect(long.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const service = await server.graphql('{ ledgerEntries(filter: { userIdContains: "filter" }) { edges { cursor } } }', { token: testServiceKey });
    expect(service.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
