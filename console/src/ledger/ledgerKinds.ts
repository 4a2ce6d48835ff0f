import type { LedgerKind } from '../generated/graphql.ts';

/**
 * Words for each ledger kind. Typed against the generated enum, so a kind added to the schema does
 * not compile until it has a label here.
 */
export const ledgerKindLabels: Record<LedgerKind, string> = {
  PURCHASE: 'Purchase',
  REFUND: 'Refund',
  DISPUTE: 'Dispute',
  DISPUTE_WON: 'Dispute won',
  ADJUSTMENT: 'Adjustment',
  SPEND: 'Usage',
};

export const ledgerKinds = Object.keys(ledgerKindLabels) as LedgerKind[];

/** A label for any kind the server sends, including one newer than this build of the console. */
export function ledgerKindLabel(kind: string): string {
  return kind in ledgerKindLabels ? ledgerKindLabels[kind as LedgerKind] : kind.charAt(0) + kind.slice(1).toLowerCase().replace(/_/g, ' ');
}

export function isLedgerKind(value: string): value is LedgerKind {
  return value in ledgerKindLabels;
}
