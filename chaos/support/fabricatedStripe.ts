import type Stripe from 'stripe';
import type { SqlExecutor } from '../../server/db/sqlDatabase.ts';
import { checkoutSession, dispute as disputeOf, eventPayload, refundedCharge, stripeEvent, stripeFixture, topUpMetadata } from '../../test/support/stripeEvents.ts';
import type { CapturedEvent, PlayedPurchase, Scenario } from './playStripe.ts';

/**
 * The bulk of the chaos run's purchases, with the events Stripe sends for each scenario built here
 * from Stripe's own sample objects (`test/support/stripeEvents.ts`, the builders the webhook tests
 * use) instead of played through the sandbox. The sandbox rewrites its whole state file after every
 * change and scans every delivery to pick the next one, so thousands of purchases through it take
 * minutes (see the report of issue 6); a few hundred still go through it, and those are what
 * `stripe:reconcile` can list. The handled event types are the same either way.
 */
export function fabricatePurchase(options: {
  purchase: Omit<PlayedPurchase, 'sessionId' | 'refundedMinor'>;
  index: number;
  random: () => number;
}): { played: PlayedPurchase; events: CapturedEvent[] } {
  const { purchase, index, random } = options;
  const sessionId = `cs_chaos_fabricated_${index}`;
  const paymentIntentId = `pi_chaos_fabricated_${index}`;
  const metadata = topUpMetadata(purchase.userId, purchase.credits);
  const created = Math.floor(Date.now() / 1000);
  const events: CapturedEvent[] = [];
  const emit = (type: string, object: unknown) => {
    const event = stripeEvent(type, object, { id: `evt_chaos_${index}_${events.length}`, created });
    events.push({ id: event.id, type, body: eventPayload(event) });
  };
  const session = (overrides: Partial<Stripe.Checkout.Session>) =>
    checkoutSession({ sessionId, amountMinor: purchase.amountMinor, metadata, paymentIntentId, overrides });
  let refundedMinor = 0;
  const charge = () =>
    refundedCharge({ chargeId: `ch_chaos_fabricated_${index}`, paymentIntentId, amountMinor: purchase.amountMinor, amountRefundedMinor: refundedMinor });
  const refund = (amountMinor: number) => {
    refundedMinor += amountMinor;
    emit('charge.refunded', charge());
  };
  const dispute = (status: Stripe.Dispute.Status) =>
    emit(status === 'needs_response' ? 'charge.dispute.created' : 'charge.dispute.closed', disputeOf({ disputeId: `dp_chaos_fabricated_${index}`, paymentIntentId, chargeId: `ch_chaos_fabricated_${index}`, status }));
  const partial = () => 1 + Math.floor(random() * Math.max(1, Math.floor(purchase.amountMinor / 2) - 1));
  const paid = () => emit('checkout.session.completed', session({}));
  const scenario: Scenario = purchase.scenario;
  switch (scenario) {
    case 'paid':
      paid();
      break;
    case 'async_succeeded':
    case 'async_failed':
      emit('checkout.session.completed', session({ payment_status: 'unpaid' }));
      emit(
        scenario === 'async_succeeded' ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed',
        session({ payment_status: scenario === 'async_succeeded' ? 'paid' : 'unpaid' }),
      );
      break;
    case 'declined':
      // Stripe sends only payment_intent.payment_failed, which Topup does not act on.
      emit('payment_intent.payment_failed', stripeFixture<Stripe.PaymentIntent>('payment_intent', { id: paymentIntentId, status: 'requires_payment_method', metadata }));
      break;
    case 'expired':
      emit('checkout.session.expired', session({ status: 'expired', payment_status: 'unpaid', payment_intent: null, url: null }));
      break;
    case 'partial_refund':
      paid();
      refund(partial());
      break;
    case 'two_partial_refunds':
      paid();
      refund(partial());
      refund(Math.max(1, Math.floor((purchase.amountMinor - refundedMinor) / 3)));
      break;
    case 'full_refund':
      paid();
      refund(purchase.amountMinor);
      break;
    case 'dispute_lost':
    case 'dispute_won':
      paid();
      dispute('needs_response');
      dispute(scenario === 'dispute_won' ? 'won' : 'lost');
      break;
    case 'refund_then_dispute_lost':
      paid();
      refund(partial());
      dispute('needs_response');
      dispute('lost');
      break;
  }
  return { played: { ...purchase, sessionId, refundedMinor }, events };
}

/** Records fabricated purchases as the server does after creating a session (one statement). */
export async function recordFabricatedPurchases(database: SqlExecutor, purchases: PlayedPurchase[]): Promise<void> {
  await database.query(
    `select count(record_checkout_session(p_session_id => s, p_user_id => u, p_credits => c, p_amount_minor => a, p_currency => 'usd'))
     from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) as t(s, u, c, a)`,
    [purchases.map((p) => p.sessionId), purchases.map((p) => p.userId), purchases.map((p) => p.credits), purchases.map((p) => p.amountMinor)],
  );
}
