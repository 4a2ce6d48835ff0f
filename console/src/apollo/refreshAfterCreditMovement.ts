import type { ApolloClient } from '@apollo/client';

export interface CreditMovement {
  /** Whose credits moved. */
  userId: string;
  /**
   * The balance after the movement and when it was made, when the server's answer says so (an
   * adjustment's ledger entry). Without it (a refund, whose clawback Stripe's event makes later; a
   * purchase) the balance is asked for again.
   */
  balance?: { credits: number; at: string };
}

/**
 * What a user shows that any movement of their credits changes: a movement draws from or adds a
 * lot, a capture ends a hold, and what is available follows both.
 */
const userFieldsMoved = ['ledger', 'purchases', 'lots', 'holds', 'availableCredits', 'heldCredits'] as const;
const userBalanceFields = ['credits', 'debt', 'lastCreditUpdate'] as const;
/** Lists across users that any movement changes (the admin ledger, flags, users by balance, stats). */
const rootFieldsMoved = ['ledgerEntries', 'flaggedPurchases', 'users', 'creditStats'] as const;

/**
 * The one way the console brings the cache up to date after credits move (an adjustment, a refund,
 * a purchase). A balance the server already gave is written at once; then every query on screen
 * that shows something the movement changes (the user's balance when it is not known, their
 * ledger, their purchases and what may still be refunded, the lists across users) is fetched
 * again. The fields are evicted only in a temporary optimistic layer, to find those queries: the
 * rows on screen stay until the new ones arrive, so nothing flashes back to "Loading…". Lists not
 * on screen are all `cache-and-network` and refresh when they are shown.
 */
export async function refreshAfterCreditMovement(client: ApolloClient, movement: CreditMovement): Promise<void> {
  const userId = client.cache.identify({ __typename: 'User', id: movement.userId });
  const { balance } = movement;
  if (balance) {
    client.cache.modify({
      id: userId,
      fields: {
        credits: () => balance.credits,
        debt: () => Math.max(0, -balance.credits),
        lastCreditUpdate: () => balance.at,
      },
    });
  }
  await client.refetchQueries({
    optimistic: true,
    updateCache(cache) {
      const userFields = balance ? userFieldsMoved : [...userFieldsMoved, ...userBalanceFields];
      for (const fieldName of userFields) cache.evict({ id: userId, fieldName });
      for (const fieldName of rootFieldsMoved) cache.evict({ id: 'ROOT_QUERY', fieldName });
    },
  });
}
