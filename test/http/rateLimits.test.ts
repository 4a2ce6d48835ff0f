import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

const createSession = 'mutation { createCreditTopUpSession(input: { credits: 500 }) { sessionId } }';

describe.each(storageKindsUnderTest())('rate limits on %s', (kind) => {
  // Two instances on one database, as behind a load balancer: the allowance is shared, not doubled.
  let first: TestTopup;
  let second: TestTopup;

  beforeAll(async () => {
    first = await startTestTopup({ kind, environment: { RATE_LIMIT_CHECKOUTS_PER_MINUTE: '10' } });
    second = await startTestTopup({ storage: first.storage, shareStripeWith: first, environment: { RATE_LIMIT_CHECKOUTS_PER_MINUTE: '10' } });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  // Allowances are per fixed minute: each test starts early in a minute, so its window cannot roll
  // over halfway through and hand out a fresh allowance.
  beforeEach(async () => {
    await vi.waitFor(() => {
      if (new Date().getUTCSeconds() > 45) throw new Error('waiting for the next minute window');
    }, { timeout: 20_000, interval: 200 });
  });

  it('lets a user create 10 Checkout Sessions a minute across two instances, then answers RATE_LIMITED with retryAfterSeconds', async () => {
    // Proves the contract's default limit is shared through PostgreSQL: 10 sessions alternating between two instances succeed, the 11th on either is refused without reaching Stripe, and another user is unaffected.
    const tokenOnFirst = await first.devToken({ userId: 'user_limited1' });
    const tokenOnSecond = await second.devToken({ userId: 'user_limited1' });
    for (let index = 0; index < 10; index += 1) {
      const result = await (index % 2 === 0 ? first : second).graphql<{ createCreditTopUpSession: { sessionId: string } }>(createSession, { token: index % 2 === 0 ? tokenOnFirst : tokenOnSecond });
      expect(result.body.errors, `session ${index + 1}`).toBeUndefined();
    }
    const sessionsBefore = (await first.topup.stripe.checkout.sessions.list({ limit: 100 })).data.length;
    for (const [server, token] of [[first, tokenOnFirst], [second, tokenOnSecond]] as const) {
      const refused = await server.graphql(createSession, { token });
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      const retryAfterSeconds = refused.body.errors?.[0]?.extensions?.retryAfterSeconds as number;
      expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect((await first.topup.stripe.checkout.sessions.list({ limit: 100 })).data.length).toBe(sessionsBefore);
    const [{ purchases }] = (await first.database!.query<{ purchases: number }>(`select count(*)::int as purchases from credit_purchases where user_id = 'user_limited1'`)) as [{ purchases: number }];
    expect(purchases).toBe(10);
    const other = await first.graphql(createSession, { token: await first.devToken({ userId: 'user_unlimited2' }) });
    expect(other.body.errors).toBeUndefined();
  });

  it('answers 429 with Retry-After when one address asks for too many dev tokens', async () => {
    // Proves the dev sign-in endpoint is limited by client address (60 a minute), shared by both instances.
    const statuses: number[] = [];
    for (let index = 0; index < 64; index += 1) {
      const response = await fetch(`${(index % 2 === 0 ? first : second).url}/api/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: `user_tokens${index}` }),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(await response.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      }
    }
    // Three dev tokens were minted in the test above, if it ran in this same minute window.
    const minted = statuses.filter((status) => status === 200).length;
    expect([57, 60]).toContain(minted);
    expect(statuses.slice(0, minted).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(-4)).toEqual([429, 429, 429, 429]);
  });
});
