import { describe, expect, it } from 'vitest';
import { ledgerStorageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';
import { ensureUser } from '../../server/ledger/ensureUser.ts';
import { findUser } from '../../server/ledger/findUser.ts';
import { grantCredits } from '../../server/ledger/grantCredits.ts';
import { spendCredits } from '../../server/ledger/spendCredits.ts';
import { adjustCredits } from '../../server/ledger/adjustCredits.ts';
import { listLedgerEntries } from '../../server/ledger/listLedgerEntries.ts';
import { listUsers } from '../../server/ledger/listUsers.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import { creditStats } from '../../server/ledger/creditStats.ts';
import { TopupError } from '../../server/errors.ts';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TopupError);
  expect((error as TopupError).code).toBe(code);
}

describe.each(ledgerStorageKindsUnderTest())('the ledger on %s', (kind) => {
  const suite = testStorageForSuite(kind);

  it('grants, spends and adjusts with the ledger row and the balance written together', async () => {
    // Proves each movement returns its row with the running balance, and the user row follows it.
    const { storage } = suite();
    const user = await ensureUser(storage, { userId: 'user_alice', email: 'alice@example.com' });
    expect(user).toMatchObject({ id: 'user_alice', email: 'alice@example.com', credits: 0, lastCreditUpdate: null });
    const grant = await grantCredits(storage, {
      userId: 'user_alice', credits: 100, kind: 'adjustment', reason: 'welcome', actor: 'system', idempotencyKey: 'alice:welcome',
    });
    expect(grant).toMatchObject({ userId: 'user_alice', delta: 100, balanceAfter: 100, kind: 'adjustment', actor: 'system' });
    expect(typeof grant.id).toBe('string');
    expect(grant.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const spend = await spendCredits(storage, {
      userId: 'user_alice', amount: 40, reason: 'export', actor: 'service:app', idempotencyKey: 'alice:spend:1',
    });
    expect(spend).toMatchObject({ delta: -40, balanceAfter: 60, kind: 'spend' });
    const adjustment = await adjustCredits(storage, {
      userId: 'user_alice', delta: -10, reason: 'goodwill reversed', actor: 'user_admin', idempotencyKey: 'alice:adjust:1',
    });
    expect(adjustment).toMatchObject({ delta: -10, balanceAfter: 50, actor: 'user_admin', reason: 'goodwill reversed' });
    const after = await findUser(storage, 'user_alice');
    expect(after).toMatchObject({ credits: 50 });
    expect(after!.lastCreditUpdate).toBe(adjustment.createdAt);
  });

  it('replays a key with the same input and refuses it with another input, with no second effect', async () => {
    // Proves idempotency by key + request hash: a replay returns the original row, a changed input is IDEMPOTENCY_CONFLICT.
    const { storage } = suite();
    await ensureUser(storage, { userId: 'user_bob', email: null });
    const input = { userId: 'user_bob', credits: 25, kind: 'adjustment' as const, reason: 'r', actor: 'system', idempotencyKey: 'bob:1' };
    const first = await grantCredits(storage, input);
    const replay = await grantCredits(storage, input);
    expect(replay).toEqual(first);
    await expectCode(grantCredits(storage, { ...input, credits: 26 }), 'IDEMPOTENCY_CONFLICT');
    // (The same key for another user is that user's own key: see idempotencyScopes.test.ts.)
    await expectCode(grantCredits(storage, { ...input, reason: 'changed' }), 'IDEMPOTENCY_CONFLICT');
    expect((await findUser(storage, 'user_bob'))!.credits).toBe(25);
  });

  it('refuses bad input with BAD_USER_INPUT, unknown users with NOT_FOUND, overdrafts with INSUFFICIENT_CREDITS', async () => {
    // Proves every refusal is typed and changes nothing: the balance and the entry count stay the same.
    const { storage } = suite();
    await ensureUser(storage, { userId: 'user_carol', email: null });
    await grantCredits(storage, { userId: 'user_carol', credits: 5, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: null });
    const before = await listLedgerEntries(storage, { userId: 'user_carol' });
    await expectCode(spendCredits(storage, { userId: 'user_carol', amount: 6, reason: null, actor: 'service:app', idempotencyKey: 'c:1' }), 'INSUFFICIENT_CREDITS');
    await expectCode(spendCredits(storage, { userId: 'user_carol', amount: 0, reason: null, actor: 'service:app', idempotencyKey: 'c:2' }), 'BAD_USER_INPUT');
    await expectCode(spendCredits(storage, { userId: 'user_carol', amount: -3, reason: null, actor: 'service:app', idempotencyKey: 'c:3' }), 'BAD_USER_INPUT');
    await expectCode(spendCredits(storage, { userId: 'user_carol', amount: 1.5, reason: null, actor: 'service:app', idempotencyKey: 'c:4' }), 'BAD_USER_INPUT');
    await expectCode(adjustCredits(storage, { userId: 'user_carol', delta: 0, reason: 'x', actor: 'user_admin', idempotencyKey: 'c:5' }), 'BAD_USER_INPUT');
    await expectCode(adjustCredits(storage, { userId: 'user_carol', delta: 5, reason: ' ', actor: 'user_admin', idempotencyKey: 'c:6' }), 'BAD_USER_INPUT');
    await expectCode(adjustCredits(storage, { userId: 'user_carol', delta: -6, reason: 'x', actor: 'user_admin', idempotencyKey: 'c:7' }), 'INSUFFICIENT_CREDITS');
    await expectCode(grantCredits(storage, { userId: 'user_nobody', credits: 1, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: null }), 'NOT_FOUND');
    await expectCode(grantCredits(storage, { userId: 'user_carol', credits: Number.MAX_SAFE_INTEGER, kind: 'adjustment', reason: null, actor: 'system', idempotencyKey: null }), 'BAD_USER_INPUT');
    await expectCode(ensureUser(storage, { userId: "user_x'; drop table users; --", email: null }), 'BAD_USER_INPUT');
    const after = await listLedgerEntries(storage, { userId: 'user_carol' });
    expect(after.nodes).toEqual(before.nodes);
    expect((await findUser(storage, 'user_carol'))!.credits).toBe(5);
  });

  it('paginates the ledger newest first with opaque cursors and filters', async () => {
    // Proves keyset pages cover every entry exactly once, filters apply, and a foreign cursor is refused.
    const { storage } = suite();
    await ensureUser(storage, { userId: 'user_dave', email: 'dave@example.com' });
    for (let index = 1; index <= 7; index += 1) {
      await grantCredits(storage, { userId: 'user_dave', credits: index, kind: 'adjustment', reason: `g${index}`, actor: 'system', idempotencyKey: `dave:${index}` });
    }
    await spendCredits(storage, { userId: 'user_dave', amount: 3, reason: 'use', actor: 'service:app', idempotencyKey: 'dave:spend' });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await listLedgerEntries(storage, { userId: 'user_dave', first: 3, after });
      seen.push(...page.nodes.map((node) => node.id));
      if (!page.hasNextPage) break;
      after = page.cursors.at(-1)!;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect([...seen].sort((a, b) => Number(b) - Number(a))).toEqual(seen);
    const spends = await listLedgerEntries(storage, { userId: 'user_dave', kinds: ['spend'] });
    expect(spends.nodes.map((node) => node.delta)).toEqual([-3]);
    const byActor = await listLedgerEntries(storage, { actor: 'service:app', userId: 'user_dave' });
    expect(byActor.nodes).toHaveLength(1);
    const future = await listLedgerEntries(storage, { userId: 'user_dave', from: new Date(Date.now() + 60_000).toISOString() });
    expect(future.nodes).toHaveLength(0);
    const users = await listUsers(storage, { sort: 'credits_desc', first: 1 });
    await expectCode(listLedgerEntries(storage, { after: users.cursors[0]! }), 'BAD_USER_INPUT');
    await expectCode(listLedgerEntries(storage, { first: 101 }), 'BAD_USER_INPUT');
    await expectCode(listLedgerEntries(storage, { after: 'not-a-cursor!' }), 'BAD_USER_INPUT');
  });

  it('lists users in each sort order across pages, and searches by id or email', async () => {
    // Proves the users keyset pagination in all four orders returns every user once, in order.
    const { storage } = suite();
    for (const sort of ['credits_desc', 'credits_asc', 'last_credit_update_desc', 'created_at_desc'] as const) {
      const seen: { id: string; credits: number }[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await listUsers(storage, { sort, first: 2, after });
        seen.push(...page.nodes);
        if (!page.hasNextPage) break;
        after = page.cursors.at(-1)!;
      }
      const all = await listUsers(storage, { sort, first: 100 });
      expect(seen.map((user) => user.id)).toEqual(all.nodes.map((user) => user.id));
      expect(new Set(seen.map((user) => user.id)).size).toBe(seen.length);
      if (sort === 'credits_desc') expect(seen.map((user) => user.credits)).toEqual([...seen.map((user) => user.credits)].sort((a, b) => b - a));
    }
    const found = await listUsers(storage, { sort: 'credits_desc', search: 'DAVE@EXAMPLE' });
    expect(found.nodes.map((user) => user.id)).toEqual(['user_dave']);
    const byId = await listUsers(storage, { sort: 'credits_desc', search: 'user_ali' });
    expect(byId.nodes.map((user) => user.id)).toEqual(['user_alice']);
  });

  it('summarizes credit flows per day and keeps the invariant', async () => {
    // Proves creditStats buckets what happened today, and verify_ledger finds no problem in everything above.
    const { storage } = suite();
    const now = Date.now();
    const stats = await creditStats(storage, { from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 86_400_000).toISOString(), interval: 'day' });
    const totals = stats.reduce((sum, bucket) => ({ spent: sum.spent + bucket.creditsSpent, adjusted: sum.adjusted + bucket.creditsAdjusted }), { spent: 0, adjusted: 0 });
    expect(totals.spent).toBe(43);
    expect(totals.adjusted).toBe(100 - 10 + 25 + 5 + 28);
    const verification = await verifyLedger(storage);
    expect(verification).toMatchObject({ problemCount: 0, problems: [] });
    expect(verification.entriesChecked).toBeGreaterThan(10);
  });
});
