import type { Storage } from '../db/storage.ts';
import { ensureUser } from '../ledger/ensureUser.ts';
import { grantCredits } from '../ledger/grantCredits.ts';

/** The user of the contract's reference scenario, and its opening balance on a fresh database. */
export const referenceUser = {
  userId: 'user_32mSltWx9KkUkJe3sN2Bkym2w45',
  email: 'reference.user@example.com',
  openingCredits: 28,
} as const;

/**
 * Gives the reference user its opening balance, once: the grant's idempotency key makes every later
 * boot a no-op, even after the user has spent or bought credits. Off in production.
 */
export async function seedReferenceUser(storage: Storage): Promise<void> {
  await ensureUser(storage, { userId: referenceUser.userId, email: referenceUser.email });
  await grantCredits(storage, {
    userId: referenceUser.userId,
    credits: referenceUser.openingCredits,
    kind: 'adjustment',
    reason: 'Opening balance (development seed)',
    actor: 'system',
    idempotencyKey: `seed:opening-balance:${referenceUser.userId}`,
    sourceType: 'seed',
  });
}
