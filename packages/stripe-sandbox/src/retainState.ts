import type Stripe from 'stripe';
import type { SandboxState } from './sandboxState.ts';

/**
 * How much finished business the sandbox remembers. Stripe keeps every payment for ever; a sandbox
 * kept in a developer's server process (`npm start`) must not grow for ever, so past these counts it
 * forgets its oldest finished payments, the way test-mode data can be deleted. Customers and their
 * saved cards are kept (one per user), and so is anything still moving: an open or processing
 * payment, an open checkout session, an open dispute, an event with a pending delivery.
 */
export interface SandboxRetention {
  /** Payment intents and checkout sessions kept, each (default 1,000). */
  payments: number;
  /** Events kept (default 3,000), besides Stripe's 30 days. */
  events: number;
}

export const defaultSandboxRetention: SandboxRetention = { payments: 1000, events: 3000 };

/** A payment intent in one of these can still change without a new request; it is never forgotten. */
const movingPaymentIntentStatuses = new Set<Stripe.PaymentIntent.Status>(['processing', 'requires_action', 'requires_capture', 'requires_confirmation']);
const openDisputeStatuses = new Set<Stripe.Dispute.Status>(['needs_response', 'under_review', 'warning_needs_response', 'warning_under_review']);

/**
 * Forgets the oldest finished payments (a payment intent with its charges, refunds, closed disputes
 * and the checkout session that made it), the oldest finished checkout sessions that never made a
 * payment, and the oldest events, until each is within `retention`. Records are kept oldest first
 * (insertion order), so the oldest are the first keys. Returns how many records were forgotten.
 */
export function retainState(state: SandboxState, retention: SandboxRetention): number {
  return retainPayments(state, retention.payments) + retainSessions(state, retention.payments) + retainEvents(state, retention.events);
}

function retainPayments(state: SandboxState, kept: number): number {
  let excess = Object.keys(state.paymentIntents).length - kept;
  if (excess <= 0) return 0;
  // Still moving, so kept whole: a payment an open session points at (a declined try it may
  // retry), and a payment with an open dispute.
  const moving = new Set<string>();
  for (const { session } of Object.values(state.checkoutSessions)) {
    const paymentIntentId = idOf(session.payment_intent);
    if (session.status === 'open' && paymentIntentId !== null) moving.add(paymentIntentId);
  }
  for (const dispute of Object.values(state.disputes)) {
    const paymentIntentId = idOf(dispute.payment_intent);
    if (paymentIntentId !== null && openDisputeStatuses.has(dispute.status)) moving.add(paymentIntentId);
  }
  const forget = new Set<string>();
  for (const paymentIntent of Object.values(state.paymentIntents)) {
    if (excess <= 0) break;
    if (movingPaymentIntentStatuses.has(paymentIntent.status) || moving.has(paymentIntent.id)) continue;
    forget.add(paymentIntent.id);
    excess -= 1;
  }
  if (forget.size === 0) return 0;
  let forgotten = 0;
  const drop = <Value>(records: Record<string, Value>, id: string) => {
    delete records[id];
    forgotten += 1;
  };
  for (const id of forget) drop(state.paymentIntents, id);
  for (const charge of Object.values(state.charges)) {
    if (forget.has(idOf(charge.payment_intent) ?? '')) drop(state.charges, charge.id);
  }
  for (const refund of Object.values(state.refunds)) {
    if (forget.has(idOf(refund.payment_intent) ?? '')) drop(state.refunds, refund.id);
  }
  for (const dispute of Object.values(state.disputes)) {
    if (forget.has(idOf(dispute.payment_intent) ?? '')) drop(state.disputes, dispute.id);
  }
  for (const stored of Object.values(state.checkoutSessions)) {
    const paymentIntentId = idOf(stored.session.payment_intent);
    if (paymentIntentId !== null && forget.has(paymentIntentId) && stored.session.status !== 'open') drop(state.checkoutSessions, stored.session.id);
  }
  return forgotten;
}

/** Sessions past the count that made no payment still kept (expired, or complete without one). */
function retainSessions(state: SandboxState, kept: number): number {
  let excess = Object.keys(state.checkoutSessions).length - kept;
  let forgotten = 0;
  for (const stored of Object.values(state.checkoutSessions)) {
    if (excess <= 0) break;
    const { session } = stored;
    const paymentIntentId = idOf(session.payment_intent);
    if (session.status === 'open' || (paymentIntentId !== null && state.paymentIntents[paymentIntentId] !== undefined)) continue;
    delete state.checkoutSessions[session.id];
    excess -= 1;
    forgotten += 1;
  }
  return forgotten;
}

function retainEvents(state: SandboxState, kept: number): number {
  let excess = Object.keys(state.events).length - kept;
  if (excess <= 0) return 0;
  const pendingEventIds = pendingDeliveryEventIds(state);
  let forgotten = 0;
  for (const id of Object.keys(state.events)) {
    if (excess <= 0) break;
    if (pendingEventIds.has(id)) continue;
    delete state.events[id];
    excess -= 1;
    forgotten += 1;
  }
  return forgotten;
}

/** Events a delivery still has to send: never forgotten, whatever their age or count. */
export function pendingDeliveryEventIds(state: SandboxState): Set<string> {
  return new Set(
    Object.values(state.deliveries)
      .filter((delivery) => delivery.status === 'pending')
      .map((delivery) => delivery.eventId),
  );
}

function idOf(reference: string | { id: string } | null | undefined): string | null {
  if (reference === null || reference === undefined) return null;
  return typeof reference === 'string' ? reference : reference.id;
}
