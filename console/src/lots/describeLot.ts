import { formatCredits } from '../format/formatCredits.ts';
import { formatExpiryDay } from '../format/formatDate.ts';
import type { CreditLotFieldsFragment } from '../generated/graphql.ts';
import { lotCreditsNoun } from './lotLabels.ts';

/**
 * A lot in one sentence a user understands: "120 promotional credits expire on 5 Jan",
 * "500 purchased credits, no expiry"; a partly used lot says what it started with.
 */
export function describeLot(lot: CreditLotFieldsFragment, now: Date = new Date()): string {
  const amount = `${formatCredits(lot.remaining)} ${lotCreditsNoun(lot.kind)}`;
  const used = lot.remaining < lot.credits ? ` (of ${formatCredits(lot.credits)})` : '';
  if (!lot.expiresAt) return `${amount}${used}, no expiry`;
  const past = new Date(lot.expiresAt).getTime() <= now.getTime();
  return `${amount}${used} ${past ? 'expired on' : 'expire on'} ${formatExpiryDay(lot.expiresAt, now)}`;
}
