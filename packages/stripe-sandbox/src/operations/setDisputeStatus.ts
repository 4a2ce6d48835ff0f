import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { buildDispute } from '../objects/buildDispute.ts';
import { automaticEventCause, recordEvent } from '../recordEvent.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { findRecord } from './findRecord.ts';

export type DisputeStatusChange = 'needs_response' | 'won' | 'lost';
export const disputeStatusChanges: readonly DisputeStatusChange[] = ['needs_response', 'won', 'lost'];

/**
 * The cardholder disputes the payment, or the dispute ends:
 * - `needs_response`: opens a fraud dispute on the intent's charge for what was not refunded,
 *   marks the charge `disputed`, event `charge.dispute.created`. Again while open: no change.
 * - `won` / `lost`: closes the dispute (opening it first if there is none), event
 *   `charge.dispute.closed` with that status. The same status again: no change.
 *
 * Errors: 404 for an unknown payment intent; `invalid_request_error` when the intent has no
 * succeeded charge, the charge is fully refunded, or the dispute is already closed otherwise.
 */
export function setDisputeStatus(
  context: SandboxContext,
  options: { paymentIntentId: string; status: DisputeStatusChange },
): Stripe.Dispute {
  const paymentIntent = findRecord(context.state.paymentIntents, 'payment_intent', options.paymentIntentId);
  const charge = succeededCharge(context, paymentIntent);
  const existing = Object.values(context.state.disputes).find((dispute) => dispute.charge === charge.id);
  if (existing !== undefined && existing.status === options.status) return existing;
  if (existing !== undefined && (existing.status === 'won' || existing.status === 'lost')) {
    throw StripeApiError.invalidRequest(`The dispute ${existing.id} of charge ${charge.id} is already closed as ${existing.status}.`, {
      code: 'dispute_already_closed',
    });
  }
  const dispute = existing ?? openDispute(context, paymentIntent, charge);
  if (options.status === 'needs_response') return dispute;
  dispute.status = options.status;
  context.markChanged();
  recordEvent(context, {
    input: { type: 'charge.dispute.closed', object: dispute },
    orderingKey: paymentIntent.id,
    cause: automaticEventCause,
  });
  return dispute;
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

function openDispute(context: SandboxContext, paymentIntent: Stripe.PaymentIntent, charge: Stripe.Charge): Stripe.Dispute {
  const amountMinor = charge.amount - charge.amount_refunded;
  if (amountMinor <= 0) {
    throw StripeApiError.invalidRequest(`Charge ${charge.id} is fully refunded and cannot be disputed.`, { code: 'charge_already_refunded' });
  }
  const dispute = buildDispute({
    id: createId('dp_1'),
    created: unixSeconds(context.now()),
    amountMinor,
    currency: charge.currency,
    charge: charge.id,
    paymentIntent: paymentIntent.id,
  });
  context.state.disputes[dispute.id] = dispute;
  charge.disputed = true;
  context.markChanged();
  recordEvent(context, {
    input: { type: 'charge.dispute.created', object: dispute },
    orderingKey: paymentIntent.id,
    cause: automaticEventCause,
  });
  return dispute;
}
