import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import type { ChargeReversalFields } from '../objects/moneyObjectFields.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';

/**
 * The fields a new refund or dispute of `charge` shares: a new id with Stripe's prefix for its
 * kind (`re_3`, `dp_1`), created now, `amountMinor` in the charge's currency.
 */
export function chargeReversalFields(
  context: SandboxContext,
  options: { idPrefix: string; charge: Stripe.Charge; amountMinor: number; paymentIntent: string | null },
): ChargeReversalFields {
  return {
    id: createId(options.idPrefix),
    created: unixSeconds(context.now()),
    amountMinor: options.amountMinor,
    currency: options.charge.currency,
    charge: options.charge.id,
    paymentIntent: options.paymentIntent,
  };
}
