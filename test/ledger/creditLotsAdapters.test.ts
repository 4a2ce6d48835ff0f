/**
 * Proves every lot and hold call of the Ledger works the same through each storage adapter (PGlite,
 * pg, and supabase-js RPC as `service_role` after the privileges step): promotional grants, lots in
 * consumption order, reserve / capture / release and the holds list, a batch spend, the expiry
 * sweep after the ledger's clock moves (no sleeping), the lot changes of entries (pages and
 * batched), the ledger settings and verify. Each answer is checked for its JSON shape (numbers for
 * bigint credits, ISO strings for instants), so an adapter that renamed an argument, lacked a
 * privilege or returned another shape fails here.
 */
import { describe, expect, it } from 'vitest';
import { TopupError } from '../../server/errors.ts';
import { createLedger } from '../../server/ledger/createLedger.ts';
import { ledgerStorageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';

const isoInstant = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function errorCodeOf(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (error: unknown) => (error instanceof TopupError ? error.code : `not a TopupError: ${String(error)}`),
  );
}

describe.each(ledgerStorageKindsUnderTest())('lots, holds, batches and the sweep through the %s adapter', (kind) => {
  const suite = testStorageForSuite(kind);

  it('grants promotions, lists lots in consumption order, and holds, captures and releases credits', async () => {
    // Proves the shapes and rules of the lot and hold calls through this adapter: order of lots, availableCredits under holds, a capture's one SPEND and its lots, replays, HOLD_NOT_ACTIVE.
    const ledger = createLedger(suite().storage);
    await ledger.ensureUser({ userId: 'user_adapter_lots', email: null });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const soon = await ledger.grantPromotional({
      userId: 'user_adapter_lots', credits: 30, reason: 'trial', expiresAt, actor: 'service:app', idempotencyKey: 'adapter:promo:1',
    });
    expect(soon).toMatchObject({ kind: 'promotion', delta: 30, balanceAfter: 30, actor: 'service:app' });
    const never = await ledger.grantPromotional({
      userId: 'user_adapter_lots', credits: 70, reason: 'welcome', expiresAt: null, actor: 'service:app', idempotencyKey: 'adapter:promo:2',
    });
    expect(await ledger.grantPromotional({
      userId: 'user_adapter_lots', credits: 70, reason: 'welcome', expiresAt: null, actor: 'service:app', idempotencyKey: 'adapter:promo:2',
    })).toEqual(never);

    const lots = await ledger.lots({ userId: 'user_adapter_lots', includeSpent: false });
    expect(lots.map((lot) => [lot.kind, lot.credits, lot.remaining])).toEqual([['promotion', 30, 30], ['promotion', 70, 70]]);
    expect(lots[0]!.expiresAt).toBe(expiresAt);
    expect(lots[0]!.createdAt).toMatch(isoInstant);
    expect(typeof lots[0]!.id).toBe('string');

    const hold = await ledger.reserve({
      userId: 'user_adapter_lots', amount: 40, reason: 'render', actor: 'service:app', idempotencyKey: 'adapter:hold:1', expiresInSeconds: 600,
    });
    expect(hold).toMatchObject({ userId: 'user_adapter_lots', amount: 40, status: 'active', capturedCredits: null });
    expect(hold.expiresAt).toMatch(isoInstant);
    expect(await ledger.findUser('user_adapter_lots')).toMatchObject({ credits: 100, heldCredits: 40 });
    expect(await errorCodeOf(ledger.reserve({
      userId: 'user_adapter_lots', amount: 61, reason: null, actor: 'service:app', idempotencyKey: 'adapter:hold:2', expiresInSeconds: 600,
    }))).toBe('INSUFFICIENT_CREDITS');

    const captured = await ledger.capture({ holdId: hold.id, amount: 35, actor: 'service:app', idempotencyKey: 'adapter:capture:1' });
    expect(captured).toMatchObject({ id: hold.id, status: 'captured', capturedCredits: 35 });
    expect(await ledger.capture({ holdId: hold.id, amount: 35, actor: 'service:app', idempotencyKey: 'adapter:capture:1' })).toEqual(captured);
    expect(await errorCodeOf(ledger.release({ holdId: hold.id }))).toBe('HOLD_NOT_ACTIVE');
    const second = await ledger.reserve({
      userId: 'user_adapter_lots', amount: 5, reason: null, actor: 'service:app', idempotencyKey: 'adapter:hold:3', expiresInSeconds: 600,
    });
    expect(await ledger.release({ holdId: second.id })).toMatchObject({ status: 'released' });
    expect((await ledger.holds({ userId: 'user_adapter_lots', status: null })).map((row) => row.status)).toEqual(['released', 'captured']);
    expect((await ledger.holds({ userId: 'user_adapter_lots', status: 'captured' })).map((row) => row.id)).toEqual([hold.id]);

    // The capture's SPEND drew from the lot that expires first: the page says so, and so does the batched read.
    const page = await ledger.listEntries({ userId: 'user_adapter_lots', kinds: ['spend'], first: 10 });
    expect(page.nodes).toHaveLength(1);
    expect(page.nodes[0]).toMatchObject({ delta: -35, kind: 'spend' });
    expect(page.nodes[0]!.lotChanges).toEqual([{ lotId: lots[0]!.id, lotKind: 'promotion', lotExpiresAt: expiresAt, credits: -30 }, { lotId: lots[1]!.id, lotKind: 'promotion', lotExpiresAt: null, credits: -5 }]);
    const batched = await ledger.lotChangesOf([page.nodes[0]!.id, soon.id]);
    expect(batched.get(page.nodes[0]!.id)).toEqual(page.nodes[0]!.lotChanges);
    expect(batched.get(soon.id)).toEqual([{ lotId: lots[0]!.id, lotKind: 'promotion', lotExpiresAt: expiresAt, credits: 30 }]);
  });

  it('spends a batch in input order, each item on its own, and sweeps expired lots into EXPIRY entries once the clock passes them', async () => {
    // Proves spend_credits_batch's JSON shape through this adapter, then sweep_expired_credits after the ledger's clock (the test-only skew) moves two hours: one EXPIRY entry, the hold marked expired, balances and verify agree.
    const { storage, database } = suite();
    const ledger = createLedger(storage);
    await ledger.ensureUser({ userId: 'user_adapter_batch', email: null });
    await ledger.grantPromotional({
      userId: 'user_adapter_batch', credits: 20, reason: 'trial', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), actor: 'service:app', idempotencyKey: 'adapter:batch:promo',
    });
    const results = await ledger.spendBatch({
      actor: 'service:app',
      items: [
        { userId: 'user_adapter_batch', amount: 5, reason: 'a', idempotencyKey: 'adapter:batch:1' },
        { userId: 'user_adapter_batch', amount: 50, reason: 'too much', idempotencyKey: 'adapter:batch:2' },
        { userId: 'user_adapter_nobody', amount: 1, reason: null, idempotencyKey: 'adapter:batch:3' },
        { userId: 'user_adapter_batch', amount: 3, reason: 'b', idempotencyKey: 'adapter:batch:4' },
      ],
    });
    expect(results.map((result) => [result.idempotencyKey, result.entry?.balanceAfter ?? null, result.error?.code ?? null])).toEqual([
      ['adapter:batch:1', 15, null],
      ['adapter:batch:2', null, 'INSUFFICIENT_CREDITS'],
      ['adapter:batch:3', null, 'NOT_FOUND'],
      ['adapter:batch:4', 12, null],
    ]);
    await ledger.reserve({
      userId: 'user_adapter_batch', amount: 2, reason: null, actor: 'service:app', idempotencyKey: 'adapter:batch:hold', expiresInSeconds: 60,
    });

    await database.query(`insert into ledger_clock_skew (skew) values (interval '2 hours')`);
    expect(await ledger.findUser('user_adapter_batch')).toMatchObject({ credits: 0, heldCredits: 0 });
    const sweep = await ledger.sweepExpired({ limit: 100 });
    expect(sweep.usersExpired).toBeGreaterThanOrEqual(1);
    expect(sweep.holdsExpired).toBeGreaterThanOrEqual(1);
    const expiries = await ledger.listEntries({ userId: 'user_adapter_batch', kinds: ['expiry'], first: 10 });
    expect(expiries.nodes.map((entry) => [entry.delta, entry.actor, entry.lotChanges?.map((change) => change.credits)])).toEqual([[-12, 'system', [-12]]]);
    expect((await ledger.holds({ userId: 'user_adapter_batch', status: null })).map((hold) => hold.status)).toEqual(['expired']);
    expect(await ledger.sweepExpired({ limit: 100 })).toEqual({ holdsExpired: 0, usersExpired: 0 });
    await database.query('delete from ledger_clock_skew');
    expect((await ledger.verify()).problems).toEqual([]);
  });

  it('ledger:verify reports a lot tampered with: credits taken out of a lot, or moved between lots', async () => {
    // Proves verify_ledger's lot checks fail on tampering and pass again once it is undone: one credit removed from a lot (the lots no longer add up to the balance, and the lot differs from its grant less its draws), then one credit moved between two lots (the sum is right, each lot is wrong).
    const { storage, database } = suite();
    const ledger = createLedger(storage);
    await ledger.ensureUser({ userId: 'user_adapter_tamper', email: null });
    for (const [index, credits] of [40, 60].entries()) {
      await ledger.grantPromotional({ userId: 'user_adapter_tamper', credits, reason: 'start', expiresAt: null, actor: 'service:app', idempotencyKey: `adapter:tamper:${index}` });
    }
    await ledger.spend({ userId: 'user_adapter_tamper', amount: 10, reason: 'use', actor: 'service:app', idempotencyKey: 'adapter:tamper:spend' });
    expect((await ledger.verify()).problems).toEqual([]);
    const [first, second] = await ledger.lots({ userId: 'user_adapter_tamper', includeSpent: false });
    const problemsOf = async () => (await ledger.verify()).problems.filter((problem) => problem.userId === 'user_adapter_tamper' || problem.lotId === first!.id || problem.lotId === second!.id);

    expect([first!.remaining, second!.remaining]).toEqual([30, 60]);
    await database.query('update credit_lots set remaining = remaining - 1 where id = $1', [second!.id]);
    expect(await problemsOf()).toEqual([
      { problem: 'lots do not add up to the balance', userId: 'user_adapter_tamper', credits: 90, lots: 89 },
      { problem: 'lot remaining differs from its grant less its draws', lotId: second!.id, remaining: 59, expected: 60 },
    ]);
    await database.query('update credit_lots set remaining = remaining + 1 where id = $1', [first!.id]);
    expect((await problemsOf()).map((problem) => [problem.problem, problem.lotId ?? null]).sort()).toEqual([
      ['lot remaining differs from its grant less its draws', first!.id],
      ['lot remaining differs from its grant less its draws', second!.id],
    ].sort());
    await database.query('update credit_lots set remaining = remaining - 1 where id = $1', [first!.id]);
    await database.query('update credit_lots set remaining = remaining + 1 where id = $1', [second!.id]);
    expect((await ledger.verify()).problems).toEqual([]);
  });

  it('writes the ledger settings and refuses days out of range', async () => {
    // Proves configure_ledger through this adapter: the answer's shape, and BAD_USER_INPUT for 0 days.
    const ledger = createLedger(suite().storage);
    expect(await ledger.configure({ purchasedCreditsExpireDays: 90 })).toEqual({ purchasedCreditsExpireDays: 90 });
    expect(await ledger.configure({ purchasedCreditsExpireDays: null })).toEqual({ purchasedCreditsExpireDays: null });
    expect(await errorCodeOf(ledger.configure({ purchasedCreditsExpireDays: 0 }))).toBe('BAD_USER_INPUT');
  });
});
