import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres } from '../../server/db/openPostgres.ts';
import { createSqlStorage } from '../../server/db/sqlStorage.ts';
import type { Storage } from '../../server/db/storage.ts';
import { readAutoTopUp, setAutoTopUp, spend, userWithSavedCard } from '../support/autoTopUpUser.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

const spendsInBurst = 100;

describe.each(storageKindsUnderTest())('auto top-up under a concurrent burst, two instances on %s', (kind) => {
  // Two instances on one database, as behind a load balancer: each runs its own auto top-up worker
  // (on PostgreSQL each has its own connection pool), and they share one Stripe.
  let first: TestTopup;
  let second: TestTopup;
  let secondStorage: Storage | null = null;

  beforeAll(async () => {
    const environment = { AUTO_TOP_UP_WORKER_INTERVAL_MS: '20' };
    first = await startTestTopup({ kind, environment });
    if (kind === 'postgres') {
      const database = await openPostgres({ connectionString: first.test!.connectionString!, poolSizeMax: 10, statementTimeoutMilliseconds: 30_000 });
      secondStorage = createSqlStorage(database);
    }
    second = await startTestTopup({ storage: secondStorage ?? first.storage, shareStripeWith: first, environment });
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await secondStorage?.close();
    await first?.close();
  });

  it(`makes exactly one payment intent and one grant when ${spendsInBurst} concurrent spends on both instances cross the threshold`, { timeout: 120_000 }, async () => {
    // Proves exactly-once under concurrency: 100 spends split across two instances race past the threshold while both workers poll; the sandbox holds one auto top-up payment intent for the customer, the ledger one auto top-up grant, and the balance is what the spends and one top-up imply.
    const userId = 'user_atuburst';
    const { token, customerId } = await userWithSavedCard(first, userId, 1000);
    await setAutoTopUp(first, token, { enabled: true, thresholdCredits: 500, credits: 500, monthlyLimitMinor: 100_000 });
    const results = await Promise.all(
      Array.from({ length: spendsInBurst }, (_, index) => spend(index % 2 === 0 ? first : second, userId, 6, `burst-${index}`)),
    );
    expect(results.filter((result) => result.body.errors !== undefined)).toEqual([]);

    await vi.waitFor(
      async () => {
        const [row] = await first.database!.query<{ credits: string | number }>('select credits from users where id = $1', [userId]);
        expect(Number(row?.credits)).toBe(1000 - spendsInBurst * 6 + 500);
      },
      { timeout: 60_000, interval: 100 },
    );
    await first.webhooksDelivered();
    const payments = (await first.topup.stripe.paymentIntents.list({ customer: customerId, limit: 100 })).data.filter(
      (paymentIntent) => paymentIntent.metadata.type === 'auto_top_up',
    );
    expect(payments).toHaveLength(1);
    const attempts = await first.database!.query<{ status: string }>('select status from auto_top_up_attempts where user_id = $1', [userId]);
    expect(attempts).toEqual([{ status: 'succeeded' }]);
    const [grants] = await first.database!.query<{ count: string | number }>(
      "select count(*) from credit_ledger where user_id = $1 and kind = 'purchase' and purchase_session_id = $2",
      [userId, payments[0]!.id],
    );
    expect(Number(grants?.count)).toBe(1);
    expect(await readAutoTopUp(first, token)).toMatchObject({ status: 'ACTIVE', spentThisMonthMinor: 500, pendingAttempt: null });
  });
});
