import { formatMoney } from '../../format/formatMoney.ts';
import type { PurchaseFieldsFragment } from '../../generated/graphql.ts';

type ChargedFields = Pick<PurchaseFieldsFragment, 'currency' | 'presentmentCurrency' | 'presentmentAmountMinor'>;

/**
 * What the customer was charged when Stripe Adaptive Pricing converted the purchase into another
 * currency ("€9.20"), or `null` when they were charged the recorded amount and currency.
 */
export function chargedAmount(purchase: ChargedFields): string | null {
  const { presentmentCurrency, presentmentAmountMinor } = purchase;
  if (presentmentCurrency == null || presentmentAmountMinor == null) return null;
  if (presentmentCurrency.toLowerCase() === purchase.currency.toLowerCase()) return null;
  return formatMoney({ amountMinor: presentmentAmountMinor, currency: presentmentCurrency });
}
