import type Stripe from 'stripe';
import { buildDispute } from '../objects/buildDispute.ts';
import { recordEvent } from '../recordEvent.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { chargeReversalFields } from './chargeReversalFields.ts';
import { findRecord } from './findRecord.ts';

/** Every status of Stripe's `Dispute.Status` (stripe-node's types). */
export const disputeStatusChanges = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
  'prevented',
  'appeal_needs_response',
  'appeal_under_review',
] as const satisfies readonly Stripe.Dispute.Status[];
export type DisputeStatusChange = (typeof disputeStatusChanges)[number];

/** The statuses that close a dispute: Stripe sends `charge.dispute.closed` when one is reached. */
const closedStatuses: ReadonlySet<string> = new Set(['won', 'lost', 'warning_closed', 'prevented']);

/**
 * The cardholder disputes the payment, the dispute moves on, or it ends, as Stripe reports it:
 * - no dispute yet: one is opened on the intent's charge for what was not refunded (an inquiry in
 *   `warning_needs_response` for a `warning_*` status, a chargeback in `needs_response` otherwise),
 *   the charge is marked `disputed`, event `charge.dispute.created`;
 * - an open status (`*needs_response`, `*under_review`): event `charge.dispute.updated`;
 * - a closing status (`won`, `lost`, `warning_closed`, `prevented`): event `charge.dispute.closed`;
 * - an appeal (`appeal_*`) follows a lost dispute: one not lost yet is closed as `lost` first.
 * The same status again: no change.
 *
 * Errors: 404 for an unknown payment intent; `invalid_request_error` when the intent has no
 * succeeded charge, the charge is fully refunded, or the dispute is already closed (a lost one may
 * only be appealed).
 */
export function setDisputeStatus(
  context: SandboxContext,
  options: { paymentIntentId: string; status: DisputeStatusChange },
): Stripe.Dispute {
  const paymentIntent = findRecord(context.state.paymentIntents, 'payment_intent', options.paymentIntentId);
  const charge = succeededCharge(context, paymentIntent);
  const existing = Object.values(context.state.disputes).find((dispute) => dispute.charge === charge.id);
  if (existing !== undefined && existing.status === options.status) return existing;
  const appeal = options.status.startsWith('appeal_');
  if (existing !== undefined && closedStatuses.has(existing.status) && !(appeal && existing.status === 'lost')) {
    throw StripeApiError.invalidRequest(`The dispute ${existing.id} of charge ${charge.id} is already closed as ${existing.status}.`, {
      code: 'dispute_already_closed',
    });
  }
  const dispute = existing ?? openDispute(context, paymentIntent, charge, options.status.startsWith('warning_') ? 'warning_needs_response' : 'needs_response');
  if (appeal && dispute.status !== 'lost') moveDispute(context, paymentIntent, dispute, 'lost');
  if (dispute.status !== options.status) moveDispute(context, paymentIntent, dispute, options.status);
  return dispute;
}

function moveDispute(context: SandboxContext, paymentIntent: Stripe.PaymentIntent, dispute: Stripe.Dispute, status: DisputeStatusChange): void {
  dispute.status = status;
  context.markChanged();
  recordEvent(context, { input: { type: closedStatuses.has(status) ? 'charge.dispute.closed' : 'charge.dispute.updated', object: dispute }, orderingKey: paymentIntent.id });
}

function succeededCharge(context: SandboxContext, paymentIntent: Stripe.PaymentIntent): Stripe.Charge {
  const chargeId = typeof paymentIntent.latest_charge === 'string' ? paymentIntent.latest_charge : null;
  const charge = chargeId === null ? undefined : context.state.charges[chargeId];
  if (paymentIntent.status !== 'succeeded' || charge === undefined) {
    throw StripeApiError.invalidRequest(`This PaymentIntent (${paymentIntent.id}) has no successful charge to dispute.`, {
      param: 'payment_intent',
    });
  }
  return charge;
}

function openDispute(
  context: SandboxContext,
  paymentIntent: Stripe.PaymentIntent,
  charge: Stripe.Charge,
  status: 'needs_response' | 'warning_needs_response',
): Stripe.Dispute {
  const amountMinor = charge.amount - charge.amount_refunded;
  if (amountMinor <= 0) {
    throw StripeApiError.invalidRequest(`Charge ${charge.id} is fully refunded and cannot be disputed.`, { code: 'charge_already_refunded' });
  }
  const dispute = buildDispute(chargeReversalFields(context, { idPrefix: 'dp_1', charge, amountMinor, paymentIntent: paymentIntent.id }));
  dispute.status = status;
  context.state.disputes[dispute.id] = dispute;
  charge.disputed = true;
  context.markChanged();
  recordEvent(context, { input: { type: 'charge.dispute.created', object: dispute }, orderingKey: paymentIntent.id });
  return dispute;
}
