import { stripeEventOutcomes } from '../../../../server/vocabulary.ts';
import { enumLabels, enumNames } from '../../format/enumLabels.ts';
import type { StripeEventOutcome } from '../../generated/graphql.ts';

/** The outcomes in the vocabulary's order, as the API names them. */
export const outcomeNames: StripeEventOutcome[] = enumNames(stripeEventOutcomes);

export const outcomeLabels: Record<StripeEventOutcome, string> = enumLabels(stripeEventOutcomes);

/** A colour for each outcome, never the only signal (the label is always there). */
export const outcomeTones: Record<StripeEventOutcome, 'neutral' | 'success' | 'warning' | 'error'> = {
  PROCESSED: 'success',
  IGNORED: 'neutral',
  REFUSED: 'warning',
  FLAGGED: 'error',
  FAILED: 'error',
};

/** The outcome select's value for "delivered more than once" (a filter of its own, not an outcome). */
export const duplicatesChoice = 'DUPLICATES';

export function isOutcomeName(value: string): value is StripeEventOutcome {
  return (outcomeNames as string[]).includes(value);
}
