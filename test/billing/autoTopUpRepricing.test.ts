import { afterAll, describe, expect, it } from 'vitest';
import { readAutoTopUp, setAutoTopUp, spend, userWithSavedCard } from '../support/autoTopUpUser.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';
import { createTestStorage, storageKindsUnderTest, type TestStorage } from '../support/testStorage.ts';

describe.each(storageKindsUnderTest())('auto top-up prices after a price change, on %s', (kind) => {
  let test: TestStorage | null = null;
  const servers: TestTopup[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
    await test?.close();
  });

  it('takes the new price list at the next boot: a changed price is what the next top-up charges, a currency no longer offered disables it with lastError', async () => {
    // Proves that a setting saved under yesterday's CREDIT_PRICES never charges a price the price list no longer shows: restarted on the same database with new prices, the settings show and the next attempt carries the new amount, and a currency dropped from the list disables that user's auto top-up, loudly.
    test = await createTestStorage(kind);
    const environment = { CREDIT_PRICES: 'usd:0.01,eur:0.0095', AUTO_TOP_UP_WORKER_INTERVAL_MS: '0' };
    const before = await startTestTopup({ storage: test.storage, environment });
    servers.push(before);
    const dollars = await userWithSavedCard(before, 'user_repriceusd', 500);
    const euros = await userWithSavedCard(before, 'user_repriceeur', 500);
    expect((await setAutoTopUp(before, dollars.token, { enabled: true, thresholdCredits: 100, credits: 1000, monthlyLimitMinor: 100_000 })).body.errors).toBeUndefined();
    expect((await setAutoTopUp(before, euros.token, { enabled: true, thresholdCredits: 100, credits: 1000, monthlyLimitMinor: 100_000, currency: 'eur' })).body.errors).toBeUndefined();
    expect(await readAutoTopUp(before, dollars.token)).toMatchObject({ amountMinor: 1000, currency: 'usd' });
    expect(await readAutoTopUp(before, euros.token)).toMatchObject({ amountMinor: 950, currency: 'eur' });
    await before.close();
    servers.pop();

    const after = await startTestTopup({ storage: test.storage, environment: { ...environment, CREDIT_PRICES: 'usd:0.012' } });
    servers.push(after);
    const dollarsNow = await after.devToken({ userId: 'user_repriceusd' });
    const eurosNow = await after.devToken({ userId: 'user_repriceeur' });
    expect(await readAutoTopUp(after, dollarsNow)).toMatchObject({ status: 'ACTIVE', amountMinor: 1200, currency: 'usd' });
    const dropped = await readAutoTopUp(after, eurosNow);
    expect(dropped).toMatchObject({ status: 'DISABLED', enabled: false, amountMinor: 950 });
    expect(dropped.lastError).toContain('no longer offered');
    expect(after.logs.some((line) => line.message === 'auto top-up settings priced again with the current price list')).toBe(true);

    expect((await spend(after, 'user_repriceusd', 450, 'reprice-usd')).body.errors).toBeUndefined();
    expect((await spend(after, 'user_repriceeur', 450, 'reprice-eur')).body.errors).toBeUndefined();
    const attempts = await test.database.query<{ user_id: string; amount_minor: string | number }>(
      "select user_id, amount_minor from auto_top_up_attempts where status = 'pending' order by user_id",
    );
    expect(attempts.map((row) => [row.user_id, Number(row.amount_minor)])).toEqual([['user_repriceusd', 1200]]);
  });
});
