import { describe, expect, it } from 'vitest';
import { spendCredits } from '../../server/ledger/spendCredits.ts';
import { spendCreditsBatch, type SpendBatchItem } from '../../server/ledger/spendCreditsBatch.ts';
import { grantPromotionalCredits } from '../../server/ledger/creditLots.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { TopupError } from '../../server/errors.ts';
import { storageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';
import { userWithCredits } from '../support/userWithCredits.ts';

const users = ['user_batchrace_0', 'user_batchrace_1', 'user_batchrace_2', 'user_batchrace_3', 'user_batchrace_4'];
const openingCredits = 100;
const promotionalCredits = 20;
const actor = 'service:app';

/** Key `race:<n>` always means the same spend (its user and amount); `conflicting` asks one more credit under it. */
function keyedSpend(n: number, conflicting = false): SpendBatchItem {
  return { userId: users[n % users.length]!, amount: 1 + (Math.floor(n / users.length) % 5) + (conflicting ? 1 : 0), reason: 'race', idempotencyKey: `race:${n}` };
}

/** A deterministic shuffle (a linear congruential generator), so a failure can be replayed. */
function shuffled<Item>(items: Item[], seed: number): Item[] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

// PostgreSQL only: PGlite is one connection, so nothing there runs concurrently. (skipIf rather than
// an empty describe.each: a file without a suite fails the PGlite-only run.)
describe.skipIf(!storageKindsUnderTest().includes('postgres'))('batch spends racing single spends on postgres', () => {
  const suite = testStorageForSuite('postgres');

  it('many concurrent batches and single spends on the same users never overdraw, and each key has one effect', async () => {
    // Proves the batch's per-user locks and running balances: 16 batches of 80 items (keys shared between batches, repeated inside one, some with another input) and 60 single spends on the same keys race on 5 users holding 120 credits each, more than 3x what they hold; afterwards every key has at most one entry, every answer for a key names that entry, no balance is negative, the ledger and lots verify, and every spend has its outbox event.
    const { storage, database } = suite();
    for (const userId of users) {
      await userWithCredits(storage, userId, openingCredits, { idempotencyKey: `${userId}:seed` });
      await grantPromotionalCredits(storage, {
        userId, credits: promotionalCredits, reason: 'race', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), actor: 'admin', idempotencyKey: `${userId}:promo`,
      });
    }
    const keyCount = 400;
    const batches = Array.from({ length: 16 }, (_, batch) =>
      shuffled(
        Array.from({ length: 80 }, (_, index) => {
          const n = (batch * 37 + index * 7) % keyCount;
          return keyedSpend(n, (batch + index) % 23 === 0);
        }),
        batch + 1,
      ),
    );
    const singles = Array.from({ length: 60 }, (_, index) => keyedSpend((index * 13) % keyCount, index % 17 === 0));
    const answers: { key: string; userId: string; amount: number; entryId: string | null; code: string | null; via: string }[] = [];
    await Promise.all([
      ...batches.map(async (items) => {
        const results = await spendCreditsBatch(storage, { items, actor });
        results.forEach((result, index) => {
          const item = items[index]!;
          expect(result.idempotencyKey).toBe(item.idempotencyKey);
          answers.push({ key: item.idempotencyKey, userId: item.userId, amount: item.amount, entryId: result.entry?.id ?? null, code: result.error?.code ?? null, via: 'batch' });
        });
      }),
      ...singles.map(async (item) => {
        try {
          const entry = await spendCredits(storage, { ...item, actor });
          answers.push({ key: item.idempotencyKey, userId: item.userId, amount: item.amount, entryId: entry.id, code: null, via: 'single' });
        } catch (error) {
          if (!(error instanceof TopupError)) throw error;
          answers.push({ key: item.idempotencyKey, userId: item.userId, amount: item.amount, entryId: null, code: error.code, via: 'single' });
        }
      }),
    ]);

    const entries = await database.query<{ id: string; user_id: string; idempotency_key: string; delta: string; balance_after: string }>(
      `select id::text, user_id, idempotency_key, delta::text, balance_after::text from credit_ledger where kind = 'spend' and user_id = any($1)`,
      [users],
    );
    const entryByKey = new Map<string, (typeof entries)[number]>();
    for (const entry of entries) {
      expect(entryByKey.has(`${entry.user_id}/${entry.idempotency_key}`), `one entry for ${entry.idempotency_key}`).toBe(false);
      entryByKey.set(`${entry.user_id}/${entry.idempotency_key}`, entry);
    }
    for (const answer of answers) {
      const entry = entryByKey.get(`${answer.userId}/${answer.key}`);
      if (answer.entryId !== null) {
        expect(answer.entryId).toBe(entry?.id);
        expect(Number(entry!.delta)).toBe(-answer.amount);
      } else if (entry) {
        expect(answer.code === 'IDEMPOTENCY_CONFLICT' || answer.code === 'INSUFFICIENT_CREDITS', `${answer.key}: ${answer.code}`).toBe(true);
        if (answer.code === 'INSUFFICIENT_CREDITS') expect(Number(entry.delta), `${answer.via} ${answer.key}`).not.toBe(-answer.amount);
      } else {
        expect(answer.code).toBe('INSUFFICIENT_CREDITS');
      }
    }
    expect(answers.filter((answer) => answer.code === 'INSUFFICIENT_CREDITS').length, 'refusals').toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.code === 'IDEMPOTENCY_CONFLICT').length, 'conflicts').toBeGreaterThan(0);

    const balances = await database.query<{ id: string; credits: string; spent: string; lots: string }>(
      `select u.id, u.credits::text,
         (select coalesce(-sum(delta), 0)::text from credit_ledger e where e.user_id = u.id and e.kind = 'spend') as spent,
         (select coalesce(sum(remaining), 0)::text from credit_lots l where l.user_id = u.id) as lots
       from users u where u.id = any($1) order by u.id`,
      [users],
    );
    for (const balance of balances) {
      expect(Number(balance.credits)).toBeGreaterThanOrEqual(0);
      expect(Number(balance.credits)).toBe(openingCredits + promotionalCredits - Number(balance.spent));
      expect(Number(balance.lots)).toBe(Number(balance.credits));
    }
    // More was asked than the users hold, so they were spent down close to zero (each refused item asked at most 6).
    expect(balances.map((balance) => Number(balance.credits) < 6)).toEqual(users.map(() => true));
    const [unannounced] = await database.query<{ count: number }>(
      `select count(*)::int as count from credit_ledger e where e.user_id = any($1)
       and not exists (select 1 from webhook_events w where w.type = 'credits.spent' and w.payload->'data'->>'entryId' = e.id::text)
       and e.kind = 'spend'`,
      [users],
    );
    expect(unannounced!.count).toBe(0);
    expect((await verifyLedger(storage)).problems).toEqual([]);
  }, 60_000);
});
