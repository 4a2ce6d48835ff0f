/**
 * Proves PURCHASED_CREDITS_EXPIRE_DAYS and LedgerEntry.lotChanges through the running server: a
 * purchase paid in the sandbox (real webhooks) gets a lot that expires 30 days after its grant; a
 * spend draws it before a never-expiring promotion; 31 days later (the ledger's clock moved forward,
 * no sleeping) it no longer counts, becomes one EXPIRY entry, and a refund of that purchase claws
 * back from the balance (the promotion, then debt). Each entry names the lots it changed, ledger
 * pages carry them with no query per row, and mutation results get them in one batched call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../server/db/storage.ts';
import { paidPurchase } from '../support/paidPurchase.ts';
import { signedInUser } from '../support/signedInUser.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

interface LotChange {
  lotId: string;
  lotKind: string;
  lotExpiresAt: string | null;
  credits: number;
}
interface Entry {
  id: string;
  kind: string;
  delta: number;
  actor: string;
  createdAt: string;
  lotChanges: LotChange[];
}
interface Me {
  credits: number;
  lots: { id: string; kind: string; credits: number; remaining: number; expiresAt: string | null }[];
  ledger: { edges: { node: Entry }[] };
}

const meQuery =
  'query { me { credits lots(includeSpent: true) { id kind credits remaining expiresAt } ledger(first: 50) { edges { node { id kind delta actor createdAt lotChanges { lotId lotKind lotExpiresAt credits } } } } } }';
const promote = 'mutation ($input: GrantPromotionalCreditsInput!) { grantPromotionalCredits(input: $input) { id lotChanges { lotKind credits lotExpiresAt } } }';
const spend = 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id lotChanges { lotId lotKind credits } } }';
const batch =
  'mutation ($input: SpendCreditsBatchInput!) { spendCreditsBatch(input: $input) { idempotencyKey entry { id delta lotChanges { lotId lotKind credits } } error { code } } }';
const dayMilliseconds = 86_400_000;

/** Counts the SQL functions the server calls, by name. */
function countingCalls(counts: Map<string, number>): (storage: Storage) => Storage {
  return (storage) => ({
    kind: storage.kind,
    call: (functionName, args) => {
      counts.set(functionName, (counts.get(functionName) ?? 0) + 1);
      return storage.call(functionName, args);
    },
    checkReady: () => storage.checkReady(),
    close: () => storage.close(),
  });
}

describe.each(storageKindsUnderTest())('purchased credits that expire, and the lots of each entry, on %s', (kind) => {
  let server: TestTopup;
  const calls = new Map<string, number>();
  const userId = 'user_ExpiringBuyer1';
  let userToken: string;

  beforeAll(async () => {
    server = await startTestTopup({ kind, environment: { PURCHASED_CREDITS_EXPIRE_DAYS: '30' }, wrapStorage: countingCalls(calls) });
    userToken = await signedInUser(server, userId);
  });

  afterAll(async () => {
    await server?.close();
  });

  const me = async (): Promise<Me> => {
    const result = await server.graphql<{ me: Me }>(meQuery, { token: userToken });
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.me;
  };

  it('expires a purchase lot 30 days after its grant, drawn before never-expiring credits, and a later refund makes debt', async () => {
    // Proves item by item: the lot's expiresAt is exactly the grant's instant plus 30 days; the spend's lotChanges name the purchase lot; after the clock moves 31 days the credits stop counting at once, the sweep writes one EXPIRY entry naming the lot, and the refund takes the promotion and leaves debt.
    const promoted = await server.graphql<{ grantPromotionalCredits: { lotChanges: LotChange[] } }>(promote, {
      token: testServiceKey,
      variables: { input: { userId, credits: 50, reason: 'welcome', idempotencyKey: 'expiring-buyer-welcome' } },
    });
    expect(promoted.body.errors).toBeUndefined();
    expect(promoted.body.data!.grantPromotionalCredits.lotChanges).toEqual([{ lotKind: 'PROMOTION', credits: 50, lotExpiresAt: null }]);
    const { paymentIntentId } = await paidPurchase(server, userId, 500);

    const bought = await me();
    expect(bought.credits).toBe(550);
    const purchaseEntry = bought.ledger.edges.map((edge) => edge.node).find((node) => node.kind === 'PURCHASE')!;
    const purchaseLot = bought.lots.find((lot) => lot.kind === 'PURCHASE')!;
    expect(purchaseLot.expiresAt).toBe(new Date(Date.parse(purchaseEntry.createdAt) + 30 * dayMilliseconds).toISOString());
    expect(purchaseEntry.lotChanges).toEqual([{ lotId: purchaseLot.id, lotKind: 'PURCHASE', lotExpiresAt: purchaseLot.expiresAt, credits: 500 }]);
    // The lot that expires comes first in consumption order; the never-expiring promotion last.
    expect(bought.lots.map((lot) => lot.kind)).toEqual(['PURCHASE', 'PROMOTION']);

    const spent = await server.graphql<{ spendCredits: { lotChanges: LotChange[] } }>(spend, {
      token: testServiceKey,
      variables: { input: { userId, amount: 10, reason: 'job', idempotencyKey: 'expiring-buyer-spend' } },
    });
    expect(spent.body.errors).toBeUndefined();
    expect(spent.body.data!.spendCredits.lotChanges).toEqual([{ lotId: purchaseLot.id, lotKind: 'PURCHASE', credits: -10 }]);

    await server.database!.query(`insert into ledger_clock_skew (skew) values (interval '31 days')`);
    expect((await me()).credits).toBe(50);
    await server.topup.ledger.sweepExpired({ limit: 100 });
    const expired = await me();
    const expiry = expired.ledger.edges.map((edge) => edge.node).filter((node) => node.kind === 'EXPIRY');
    expect(expiry).toMatchObject([{ delta: -490, actor: 'system', lotChanges: [{ lotId: purchaseLot.id, lotKind: 'PURCHASE', credits: -490 }] }]);
    expect(expired.lots.find((lot) => lot.kind === 'PURCHASE')!.remaining).toBe(0);

    await server.topup.stripe.refunds.create({ payment_intent: paymentIntentId });
    await server.webhooksDelivered();
    const refunded = await me();
    expect(refunded.credits).toBe(50 - 500);
    const refund = refunded.ledger.edges.map((edge) => edge.node).find((node) => node.kind === 'REFUND')!;
    expect(refund.delta).toBe(-500);
    // Its own lot had expired: the clawback took the promotion and the rest is debt (no lot).
    expect(refund.lotChanges.map((change) => [change.lotKind, change.credits])).toEqual([['PROMOTION', -50]]);
    const verification = await server.topup.ledger.verify();
    expect(verification.problems).toEqual([]);
  });

  it('builds the lots of a ledger page in its one SQL call, and batches those of mutation results', async () => {
    // Proves there is no query per row: a page of entries with lotChanges is one list_ledger_entries call and no lot_changes_of_entries; a batch of 20 spends asking for lotChanges makes exactly one lot_changes_of_entries call.
    const other = 'user_ManyEntries1';
    await signedInUser(server, other);
    await server.graphql(promote, { token: testServiceKey, variables: { input: { userId: other, credits: 100, reason: 'start', idempotencyKey: 'many-start' } } });
    calls.clear();
    const items = Array.from({ length: 20 }, (_, index) => ({ userId: other, amount: 1, idempotencyKey: `many-${index}` }));
    const spent = await server.graphql<{ spendCreditsBatch: { entry: { id: string; lotChanges: LotChange[] } | null }[] }>(batch, {
      token: testServiceKey,
      variables: { input: { items } },
    });
    expect(spent.body.errors).toBeUndefined();
    expect(spent.body.data!.spendCreditsBatch.map((result) => result.entry!.lotChanges.map((change) => change.credits))).toEqual(items.map(() => [-1]));
    expect(calls.get('lot_changes_of_entries')).toBe(1);

    calls.clear();
    const adminToken = await server.devToken({ userId: 'user_admin', role: 'admin' });
    const page = await server.graphql<{ ledgerEntries: { edges: { node: Entry }[] } }>(
      'query ($userId: ID!) { ledgerEntries(filter: { userId: $userId }, first: 50) { edges { node { id kind lotChanges { lotKind credits } } } } }',
      { token: adminToken, variables: { userId: other } },
    );
    expect(page.body.errors).toBeUndefined();
    const nodes = page.body.data!.ledgerEntries.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(21);
    expect(nodes.at(-1)!.lotChanges).toEqual([{ lotKind: 'PROMOTION', credits: 100 }]);
    expect(calls.get('list_ledger_entries')).toBe(1);
    expect(calls.get('lot_changes_of_entries')).toBeUndefined();
  });
});
