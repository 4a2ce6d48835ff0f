import { describe, expect, it } from 'vitest';
import { ledgerStorageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';
import { userWithCredits } from '../support/userWithCredits.ts';
import { ensureUser } from '../../server/ledger/ensureUser.ts';
import { findUser } from '../../server/ledger/findUser.ts';
import { grantCredits } from '../../server/ledger/grantCredits.ts';
import { spendCredits } from '../../server/ledger/spendCredits.ts';
import { listLedgerEntries } from '../../server/ledger/listLedgerEntries.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { TopupError } from '../../server/errors.ts';

describe.each(ledgerStorageKindsUnderTest())('concurrent movements on %s', (kind) => {
  const suite = testStorageForSuite(kind);

  it('a burst of 50 parallel grants with one key has one effect', async () => {
    // Proves the unique key decides a race: 50 concurrent identical grants give one row, all callers get that row.
    const { storage } = suite();
    await ensureUser(storage, { userId: 'user_burst', email: null });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        grantCredits(storage, { userId: 'user_burst', credits: 71, kind: 'purchase', reason: 'burst', actor: 'stripe', idempotencyKey: 'burst:one' }),
      ),
    );
    expect(new Set(results.map((entry) => entry.id)).size).toBe(1);
    expect((await findUser(storage, 'user_burst'))!.credits).toBe(71);
    expect((await listLedgerEntries(storage, { userId: 'user_burst' })).nodes).toHaveLength(1);
  });

  it('parallel spends never overdraw: exactly as many succeed as the balance allows', async () => {
    // Proves the row lock serializes spends: 60 concurrent spends of 2 against 100 credits give 50 successes, 10 refusals, balance 0.
    const { storage } = suite();
    await userWithCredits(storage, 'user_spender', 100, { idempotencyKey: 'spender:seed' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, index) =>
        spendCredits(storage, { userId: 'user_spender', amount: 2, reason: 'usage', actor: 'service:app', idempotencyKey: `spender:${index}` }),
      ),
    );
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(50);
    expect(refused).toHaveLength(10);
    for (const outcome of refused) expect(((outcome as PromiseRejectedResult).reason as TopupError).code).toBe('INSUFFICIENT_CREDITS');
    expect((await findUser(storage, 'user_spender'))!.credits).toBe(0);
  });

  it('one key raced for two users gives one effect per user', async () => {
    // Proves a key is unique per (scope, user): 20 concurrent grants for two users under one key end with one row per user, every call answered with its user's row.
    const { storage } = suite();
    await ensureUser(storage, { userId: 'user_race_a', email: null });
    await ensureUser(storage, { userId: 'user_race_b', email: null });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        grantCredits(storage, { userId: index % 2 === 0 ? 'user_race_a' : 'user_race_b', credits: 5, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: 'race:shared' }),
      ),
    );
    for (const userId of ['user_race_a', 'user_race_b']) {
      const ids = new Set(outcomes.filter((entry) => entry.userId === userId).map((entry) => entry.id));
      expect(ids.size).toBe(1);
      expect((await findUser(storage, userId))!.credits).toBe(5);
    }
  });

  it('keeps the invariant after all of it', async () => {
    // Proves credits = sum(delta) and running balances hold after the races above.
    expect(await verifyLedger(suite().storage)).toMatchObject({ problemCount: 0 });
  });
});
