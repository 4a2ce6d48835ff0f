import { ledgerKinds as ledgerKindWords } from '../../../server/vocabulary.ts';
import { enumLabels, enumNames, wordLabel } from '../format/enumLabels.ts';
import type { LedgerKind } from '../generated/graphql.ts';

/** Words for each ledger kind, from the vocabulary: a kind added there has a label here at once. */
export const ledgerKindLabels: Record<LedgerKind, string> = enumLabels(ledgerKindWords, {
  spend: 'Usage',
  promotion: 'Promotional credits',
  expiry: 'Expired credits',
});

export const ledgerKinds: LedgerKind[] = enumNames(ledgerKindWords);

/** A label for any kind the server sends, including one newer than this build of the console. */
export function ledgerKindLabel(kind: string): string {
  return isLedgerKind(kind) ? ledgerKindLabels[kind] : wordLabel(kind);
}

export function isLedgerKind(value: string): value is LedgerKind {
  return value in ledgerKindLabels;
}
