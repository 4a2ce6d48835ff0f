/**
 * Proves the expiry sweep of a running server writes an idle user's EXPIRY entry within
 * EXPIRY_SWEEP_SECONDS of the expiry, with no movement of that user: the server's interval timers are
 * Vitest's fake ones (only `setInterval`, so HTTP, the database and the sandbox keep real time) and
 * the ledger's clock is moved past the lot's expiry with the test-only skew. One millisecond before
 * the interval no sweep has run and the entry is not written (although reads already leave the
 * credits out); at the interval the sweep runs and writes it. Nothing sleeps.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Storage } from '../../server/db/storage.ts';
import { signedInUser } from '../support/signedInUser.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { ledgerStorageKindsUnderTest } from '../support/testStorage.ts';

const sweepSeconds = 5;
const accountQuery = 'query { me { credits ledger(first: 10) { edges { node { kind delta actor lotChanges { lotKind credits } } } } } }';

interface Account {
  credits: number;
  ledger: { edges: { node: { kind: string; delta: number; actor: string; lotChanges: { lotKind: string; credits: number }[] } }[] };
}

/** Counts the server's calls of one SQL function. */
function counting(functionName: string, counter: { calls: number }): (storage: Storage) => Storage {
  return (storage) => ({
    kind: storage.kind,
    call: (name, args) => {
      if (name === functionName) counter.calls += 1;
      return storage.call(name, args);
    },
    checkReady: () => storage.checkReady(),
    close: () => storage.close(),
  });
}

describe.each(ledgerStorageKindsUnderTest())('the expiry sweep timer of a running server on %s', (kind) => {
  let server: TestTopup;
  const sweeps = { calls: 0 };
  const userId = 'user_IdleExpiry1';
  let userToken: string;

  beforeAll(async () => {
    // Installed before the boot, so the sweep's interval is a fake one this test moves.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    server = await startTestTopup({ kind, environment: { EXPIRY_SWEEP_SECONDS: String(sweepSeconds) }, wrapStorage: counting('sweep_expired_credits', sweeps) });
    userToken = await signedInUser(server, userId);
  });

  afterAll(async () => {
    await server?.close();
    vi.useRealTimers();
  });

  const account = async (): Promise<Account> => {
    const result = await server.graphql<{ me: Account }>(accountQuery, { token: userToken });
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.me;
  };

  it('writes the EXPIRY entry of an idle user at the next sweep, no later than EXPIRY_SWEEP_SECONDS after the expiry', async () => {
    // Proves the bound with both clocks in the test's hands: the lot expires (ledger clock), no sweep for interval - 1 ms, then one sweep writes exactly one EXPIRY entry while the user made no movement.
    const granted = await server.graphql(
      'mutation ($input: GrantPromotionalCreditsInput!) { grantPromotionalCredits(input: $input) { id } }',
      {
        token: testServiceKey,
        variables: { input: { userId, credits: 25, reason: 'trial', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), idempotencyKey: 'idle-trial' } },
      },
    );
    expect(granted.body.errors).toBeUndefined();
    // The fake interval has not moved since the boot: its first tick is sweepSeconds away.
    expect(sweeps.calls).toBe(0);

    await server.database!.query(`insert into ledger_clock_skew (skew) values (interval '2 hours')`);
    const expiredUnswept = await account();
    expect(expiredUnswept.credits).toBe(0);
    expect(expiredUnswept.ledger.edges.map((edge) => edge.node.kind)).toEqual(['PROMOTION']);

    await vi.advanceTimersByTimeAsync(sweepSeconds * 1000 - 1);
    expect(sweeps.calls).toBe(0);
    expect((await account()).ledger.edges.map((edge) => edge.node.kind)).toEqual(['PROMOTION']);

    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(async () => {
      const swept = await account();
      expect(swept.credits).toBe(0);
      expect(swept.ledger.edges.map((edge) => edge.node)).toEqual([
        { kind: 'EXPIRY', delta: -25, actor: 'system', lotChanges: [{ lotKind: 'PROMOTION', credits: -25 }] },
        { kind: 'PROMOTION', delta: 25, actor: expect.any(String), lotChanges: [{ lotKind: 'PROMOTION', credits: 25 }] },
      ]);
    });
    expect(sweeps.calls).toBe(1);
    expect((await server.topup.ledger.verify()).problems).toEqual([]);
  });
});
