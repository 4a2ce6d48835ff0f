import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { formatAmountMinor } from '../currencyRules.ts';
import { buildRefund } from '../objects/buildRefund.ts';
import { recordEvent, type EventCause } from '../recordEvent.ts';
import type { RequestParams } from '../requestParams.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { chargeReversalFields } from './chargeReversalFields.ts';
import { findRecord } from './findRecord.ts';

const knownParameterNames = [
  'amount', 'charge', 'currency', 'customer', 'expand', 'instructions_email', 'metadata', 'origin', 'payment_intent',
  'reason', 'refund_application_fee', 'reverse_transfer',
] as const;
const reasons: readonly Stripe.Refund.Reason[] = ['duplicate', 'fraudulent', 'requested_by_customer'];
/** Stripe embeds the newest refunds in `charge.refunds`, a page of 10. */
const embeddedRefundsMax = 10;

/**
 * `POST /v1/refunds`: refunds all or part of a succeeded charge, named by `charge` or by
 * `payment_intent`. The charge keeps the cumulative `amount_refunded`, becomes `refunded` when
 * nothing is left, and lists its refunds. Events: `refund.created`, then `charge.refunded`
 * carrying the charge with its cumulative amount.
 *
 * Errors (`invalid_request_error`): neither or both of charge and payment_intent; unknown ids
 * (404); no succeeded charge; `charge_already_refunded` when nothing is left; `amount_too_large`
 * when `amount` exceeds what is left; `charge_disputed` while a chargeback is open, lost or appealed.
 */
export function createRefund(context: SandboxContext, params: RequestParams, cause: EventCause): Stripe.Refund {
  params.rejectUnknown(knownParameterNames);
  const charge = readCharge(context, params);
  checkNotDisputed(context, charge);
  const remainingMinor = charge.amount - charge.amount_refunded;
  if (remainingMinor <= 0) {
    throw StripeApiError.invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  }
  const amountMinor = params.optionalInteger('amount', { min: 1 }) ?? remainingMinor;
  if (amountMinor > remainingMinor) {
    throw StripeApiError.invalidRequest(
      `Refund amount (${formatAmountMinor(amountMinor, charge.currency)}) is greater than unrefunded amount on charge (${formatAmountMinor(remainingMinor, charge.currency)})`,
      { param: 'amount', code: 'amount_too_large' },
    );
  }
  const paymentIntentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : null;
  const refund = buildRefund({
    ...chargeReversalFields(context, { idPrefix: 're_3', charge, amountMinor, paymentIntent: paymentIntentId }),
    customer: typeof charge.customer === 'string' ? charge.customer : null,
    paymentMethod: charge.payment_method,
    balanceTransaction: createId('txn_3'),
    metadata: params.optionalMetadata('metadata') ?? {},
    reason: params.optionalEnum('reason', reasons),
  });
  context.state.refunds[refund.id] = refund;
  applyRefundToCharge(charge, refund);
  context.markChanged();
  const orderingKey = paymentIntentId ?? charge.id;
  recordEvent(context, { input: { type: 'refund.created', object: refund }, orderingKey, cause });
  recordEvent(context, { input: { type: 'charge.refunded', object: charge }, orderingKey, cause });
  return refund;
}

function readCharge(context: SandboxContext, params: RequestParams): Stripe.Charge {
  const chargeId = params.optionalString('charge', { lengthMax: 255 });
  const paymentIntentId = params.optionalString('payment_intent', { lengthMax: 255 });
  if (chargeId !== null && paymentIntentId !== null) {
    throw StripeApiError.invalidRequest('You may only specify one of these parameters: charge, payment_intent.', { param: 'payment_intent' });
  }
  if (chargeId !== null) {
    const charge = findRecord(context.state.charges, 'charge', chargeId, 'charge');
    if (charge.status !== 'succeeded') {
      throw StripeApiError.invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { param: 'charge' });
    }
    return charge;
  }
  if (paymentIntentId === null) {
    throw StripeApiError.invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', {
      code: 'parameter_missing',
    });
  }
  const paymentIntent = findRecord(context.state.paymentIntents, 'payment_intent', paymentIntentId, 'payment_intent');
  const latestChargeId = typeof paymentIntent.latest_charge === 'string' ? paymentIntent.latest_charge : null;
  const charge = latestChargeId === null ? undefined : context.state.charges[latestChargeId];
  if (paymentIntent.status !== 'succeeded' || charge === undefined) {
    throw StripeApiError.invalidRequest(`This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.`, {
      param: 'payment_intent',
    });
  }
  return charge;
}

function checkNotDisputed(context: SandboxContext, charge: Stripe.Charge): void {
  if (!charge.disputed) return;
  const dispute = Object.values(context.state.disputes).find((candidate) => candidate.charge === charge.id);
  // An inquiry (warning_*) may still be refunded, and so may a dispute closed in the merchant's favour.
  if (dispute === undefined || ['won', 'warning_closed', 'prevented', 'warning_needs_response', 'warning_under_review'].includes(dispute.status)) return;
  throw StripeApiError.invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
}

function applyRefundToCharge(charge: Stripe.Charge, refund: Stripe.Refund): void {
  charge.amount_refunded += refund.amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  const previous = charge.refunds?.data ?? [];
  const newestFirst = [refund, ...previous];
  charge.refunds = {
    object: 'list',
    data: newestFirst.slice(0, embeddedRefundsMax),
    has_more: newestFirst.length > embeddedRefundsMax,
    url: `/v1/charges/${charge.id}/refunds`,
  };
}
