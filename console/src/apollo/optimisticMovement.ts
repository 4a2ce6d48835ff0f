import type { ApolloCache } from '@apollo/client';
import type { LedgerEntryFieldsFragment, LedgerKind } from '../generated/graphql.ts';

interface OptimisticMovementOptions {
  userId: string;
  kind: LedgerKind;
  delta: number;
  /** The balance the admin saw; the entry's balance after is this plus `delta`. */
  creditsBefore: number;
  reason: string;
}

/**
 * The ledger entry an admin's adjustment or grant is expected to make, shown while the server has
 * not answered: the balance on the page moves at once. It lives in Apollo's optimistic layer
 * only, which is dropped when the answer arrives (then the server's entry is written) or when the
 * mutation fails (the balance goes back). Nothing of it is sent: the server decides the movement.
 */
export function optimisticLedgerEntry({ userId, kind, delta, creditsBefore, reason }: OptimisticMovementOptions): LedgerEntryFieldsFragment & { __typename: 'LedgerEntry' } {
  return {
    __typename: 'LedgerEntry',
    id: `optimistic-${userId}-${kind}-${delta}`,
    userId,
    delta,
    balanceAfter: creditsBefore + delta,
    kind,
    reason,
    actor: 'you',
    createdAt: new Date().toISOString(),
    purchase: null,
    lotChanges: [],
  };
}

/** Writes an entry's balance after onto its user (optimistically, or the server's answer). */
export function writeBalanceAfter(cache: ApolloCache, entry: { userId: string; balanceAfter: number; createdAt: string } | null | undefined): void {
  if (!entry) return;
  cache.modify({
    id: cache.identify({ __typename: 'User', id: entry.userId }),
    fields: {
      credits: () => entry.balanceAfter,
      debt: () => Math.max(0, -entry.balanceAfter),
      lastCreditUpdate: () => entry.createdAt,
    },
  });
}
