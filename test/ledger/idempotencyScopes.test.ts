import { describe, expect, it } from 'vitest';
import { ledgerStorageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';
import { ensureUser } from '../../server/ledger/ensureUser.ts';
import { grantCredits } from '../../server/ledger/grantCredits.ts';
import { spendCredits } from '../../server/ledger/spendCredits.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';
import type { Storage } from '../../server/db/storage.ts';

/** Records a 100-credit purchase for `userId` and, unless `paid` is false, settles it as paid by pi_<session>. */
async function purchase(storage: Storage, options: { userId: string; sessionId: string; paid?: boolean }): Promise<void> {
  await storage.call('record_checkout_session', { p_session_id: options.sessionId, p_user_id: options.userId, p_credits: 100, p_amount_minor: 100, p_currency: 'usd' });
  if (options.paid === false) return;
  await storage.call('settle_checkout_session', {
    p_settlement: { sessionId: options.sessionId, outcome: 'paid', amountPaidMinor: 100, currency: 'usd', paymentIntentId: `pi_${options.sessionId}` },
  });
}

describe.each(ledgerStorageKindsUnderTest())('idempotency scopes and ledger:verify on %s', (kind) => {
  const suite = testStorageForSuite(kind);

  it('grants a purchase and claws back its refund although a spend took their keys first', async () => {
    // Proves a client's key never meets Topup's: spends keyed `purchase:cs_...` and `clawback:cs_...:1` leave the grant and the refund's clawback to happen.
    const { storage } = suite();
    await ensureUser(storage, { userId: 'user_squatter', email: null });
    await grantCredits(storage, { userId: 'user_squatter', credits: 5, kind: 'adjustment', reason: 'opening', actor: 'system', idempotencyKey: 'seed:squatter' });
    await spendCredits(storage, { userId: 'user_squatter', amount: 1, reason: null, actor: 'service:abcd1234', idempotencyKey: 'purchase:cs_squatted' });
    await spendCredits(storage, { userId: 'user_squatter', amount: 1, reason: null, actor: 'service:abcd1234', idempotencyKey: 'clawback:cs_squatted:1' });
    await purchase(storage, { userId: 'user_squatter', sessionId: 'cs_squatted' });
    await storage.call('record_payment_state', { p_payment_intent_id: 'pi_cs_squatted', p_amount_refunded_minor: 40 });
    const found = await storage.call<{ creditsGranted: number; creditsClawedBack: number }>('find_purchase', { p_session_id: 'cs_squatted' });
    expect(found).toMatchObject({ creditsGranted: 100, creditsClawedBack: 40 });
    const user = await storage.call<{ credits: number }>('find_user', { p_user_id: 'user_squatter' });
    expect(user.credits).toBe(5 - 2 + 100 - 40);
    expect((await verifyLedger(storage)).problems).toEqual([]);
  });

  it('reports a paid purchase whose grant a colliding key blocked', async () => {
    // Proves verify finds the state the bug left: a spend keyed like the grant, the purchase marked paid, no grant entry.
    const { storage, database } = suite();
    await ensureUser(storage, { userId: 'user_blockedgrant', email: null });
    await grantCredits(storage, { userId: 'user_blockedgrant', credits: 5, kind: 'adjustment', reason: 'opening', actor: 'system', idempotencyKey: 'seed:blockedgrant' });
    await spendCredits(storage, { userId: 'user_blockedgrant', amount: 1, reason: null, actor: 'service:abcd1234', idempotencyKey: 'purchase:cs_blockedgrant' });
    await purchase(storage, { userId: 'user_blockedgrant', sessionId: 'cs_blockedgrant', paid: false });
    await database.query(`update credit_purchases set status = 'paid', paid_at = now(), amount_paid_minor = 100, payment_intent_id = 'pi_blockedgrant' where session_id = 'cs_blockedgrant'`);
    const verification = await verifyLedger(storage);
    expect(verification.problems).toContainEqual(expect.objectContaining({ problem: 'paid, unflagged purchase without its grant', sessionId: 'cs_blockedgrant' }));
    await database.query(`update credit_purchases set status = 'open', paid_at = null, amount_paid_minor = null, payment_intent_id = null where session_id = 'cs_blockedgrant'`);
  });

  it('reports a recorded refund whose clawback a colliding key blocked, and a clawback without its entries', async () => {
    // Proves verify compares credits_clawed_back with the ledger's refund entries and with the refund Stripe reported for the payment.
    const { storage, database } = suite();
    await ensureUser(storage, { userId: 'user_blockedclawback', email: null });
    await purchase(storage, { userId: 'user_blockedclawback', sessionId: 'cs_blockedclawback' });
    await spendCredits(storage, { userId: 'user_blockedclawback', amount: 1, reason: null, actor: 'service:abcd1234', idempotencyKey: 'clawback:cs_blockedclawback:1' });
    await database.query(`insert into stripe_payment_states (payment_intent_id, amount_refunded_minor) values ('pi_cs_blockedclawback', 40)`);
    await database.query(`update credit_purchases set amount_refunded_minor = 40, status = 'partially_refunded' where session_id = 'cs_blockedclawback'`);
    const refunded = await verifyLedger(storage);
    expect(refunded.problems).toContainEqual(expect.objectContaining({ problem: 'refunds or a dispute recorded without their clawback', sessionId: 'cs_blockedclawback' }));
    await database.query(`update credit_purchases set credits_clawed_back = 40 where session_id = 'cs_blockedclawback'`);
    const withoutEntries = await verifyLedger(storage);
    expect(withoutEntries.problems).toContainEqual(
      expect.objectContaining({ problem: 'credits clawed back differ from the refund and dispute entries', sessionId: 'cs_blockedclawback', creditsClawedBack: 40, entries: 0 }),
    );
    await database.query(`update stripe_payment_states set amount_refunded_minor = 100 where payment_intent_id = 'pi_cs_blockedclawback'`);
    const behind = await verifyLedger(storage);
    expect(behind.problems).toContainEqual(expect.objectContaining({ problem: 'refunds or a dispute recorded without their clawback', amountRefundedMinor: 100 }));
  });
});
