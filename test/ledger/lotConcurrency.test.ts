import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { spendCredits } from '../../server/ledger/spendCredits.ts';
import { grantPromotionalCredits } from '../../server/ledger/creditLots.ts';
import { reserveCredits } from '../../server/ledger/creditHolds.ts';
import { findUser } from '../../server/ledger/findUser.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { TopupError } from '../../server/errors.ts';
import { storageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';
import { userWithCredits } from '../support/userWithCredits.ts';

describe.each(storageKindsUnderTest())('holds and expiry under concurrency on %s', (kind) => {
  const suite = testStorageForSuite(kind);

  it('20 concurrent holds of 75 against 500 available give exactly 6 active holds', async () => {
    // Proves holds serialize on the user's row lock: 6 × 75 = 450 fit, the other 14 are INSUFFICIENT_CREDITS, availableCredits ends at 50.
    const { storage } = suite();
    await userWithCredits(storage, 'user_holds_burst', 500, { idempotencyKey: 'holds-burst:seed' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        reserveCredits(storage, { userId: 'user_holds_burst', amount: 75, reason: 'job', actor: 'service:app', idempotencyKey: `hold:${index}`, expiresInSeconds: 600 }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(6);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(refused.map((outcome) => (outcome.reason as TopupError).code)).toEqual(Array(14).fill('INSUFFICIENT_CREDITS'));
    const user = (await findUser(storage, 'user_holds_burst'))!;
    expect({ credits: user.credits, heldCredits: user.heldCredits }).toEqual({ credits: 500, heldCredits: 450 });
  });

  it('100 concurrent spends across an expiry instant never spend an expired credit', async () => {
    // Proves one clock under the lock: spends staggered over the instant a 60-credit lot expires draw from it only before expires_at; its remainder is one EXPIRY entry; the ledger verifies.
    const { storage, database } = suite();
    const userId = 'user_expiry_burst';
    await userWithCredits(storage, userId, 200, { idempotencyKey: 'expiry-burst:seed' });
    const expiresAt = new Date(Date.now() + 1000).toISOString();
    await grantPromotionalCredits(storage, { userId, credits: 60, reason: 'flash', expiresAt, actor: 'admin', idempotencyKey: 'expiry-burst:promo' });
    await Promise.all(
      Array.from({ length: 100 }, async (_, index) => {
        await sleep(index * 20);
        await spendCredits(storage, { userId, amount: 1, reason: 'usage', actor: 'service:app', idempotencyKey: `expiry-burst:${index}` });
      }),
    );
    const late = await database.query<{ late: number; drawn: number; expired: number }>(
      `select
         (select count(*)::int from credit_lot_draws d join credit_ledger e on e.id = d.entry_id join credit_lots l on l.id = d.lot_id
           where l.user_id = $1 and l.expires_at is not null and e.kind = 'spend' and e.created_at >= l.expires_at) as late,
         (select coalesce(sum(d.credits), 0)::int from credit_lot_draws d join credit_ledger e on e.id = d.entry_id join credit_lots l on l.id = d.lot_id
           where l.user_id = $1 and l.expires_at is not null and e.kind = 'spend') as drawn,
         (select coalesce(-sum(delta), 0)::int from credit_ledger where user_id = $1 and kind = 'expiry') as expired`,
      [userId],
    );
    const { late: lateDraws, drawn, expired } = late[0]!;
    expect(lateDraws).toBe(0);
    expect(drawn).toBeGreaterThan(0);
    expect(drawn + expired).toBe(60);
    expect((await findUser(storage, userId))!.credits).toBe(260 - 100 - expired);
    expect((await verifyLedger(storage)).problems).toEqual([]);
  });
});
