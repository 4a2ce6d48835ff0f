import { describe, expect, it } from 'vitest';
import { storageKindsUnderTest, testStorageForSuite } from '../support/testStorage.ts';
import { ensureUser } from '../../server/ledger/ensureUser.ts';
import { purchaseRecords } from '../../server/billing/purchaseRecords.ts';
import { verifyLedger } from '../../server/ledger/verifyLedger.ts';

describe.each(storageKindsUnderTest())('a refund racing the payment it refunds on %s', (kind) => {
  const suite = testStorageForSuite(kind);

  it('is clawed back whichever commits first, for 60 concurrent pairs', async () => {
    // Proves the payment lock (found by npm run chaos): settle(paid) and a refund for the same payment intent run at once; every refund lands.
    const { storage } = suite();
    await ensureUser(storage, { userId: 'user_race', email: null });
    const sessions = Array.from({ length: 60 }, (_, index) => `cs_test_race_${index}`);
    for (const sessionId of sessions) await purchaseRecords.record(storage, { sessionId, userId: 'user_race', credits: 100, amountMinor: 100, currency: 'usd' });
    await Promise.all(
      sessions.flatMap((sessionId) => [
        purchaseRecords.settle(storage, {
          sessionId, outcome: 'paid', amountPaidMinor: 100, currency: 'usd', paymentIntentId: `pi_${sessionId}`,
          legacy: null, flagReason: null, metadataUserId: 'user_race', metadataCredits: 100,
        }),
        purchaseRecords.recordPaymentState(storage, { paymentIntentId: `pi_${sessionId}`, amountRefundedMinor: 40, disputeId: null, disputeStatus: null }),
      ]),
    );
    for (const sessionId of sessions) {
      expect(await purchaseRecords.find(storage, sessionId)).toMatchObject({ status: 'partially_refunded', creditsGranted: 100, creditsClawedBack: 40 });
    }
    expect(await verifyLedger(storage)).toMatchObject({ problemCount: 0 });
  });
});
