import { holdStatuses, lotKinds } from '../../../server/vocabulary.ts';
import { enumLabels } from '../format/enumLabels.ts';
import type { HoldStatus, LotKind } from '../generated/graphql.ts';

/** Words for each lot kind, from the vocabulary. */
export const lotKindLabels: Record<LotKind, string> = enumLabels(lotKinds, { purchase: 'Purchased', promotion: 'Promotional' });

/** Words for each hold status, from the vocabulary. */
export const holdStatusLabels: Record<HoldStatus, string> = enumLabels(holdStatuses, { active: 'Active (reserved)' });

/** The noun phrase of a lot's credits in a sentence: "promotional credits", "purchased credits". */
export function lotCreditsNoun(kind: LotKind): string {
  return `${lotKindLabels[kind].toLowerCase()} credits`;
}
