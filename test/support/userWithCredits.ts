import type { Storage } from '../../server/db/storage.ts';
import { ensureUser } from '../../server/ledger/ensureUser.ts';
import { grantCredits } from '../../server/ledger/grantCredits.ts';
import type { LedgerEntryRow } from '../../server/ledger/ledgerTypes.ts';

/**
 * A user (no email unless given) with an opening balance: `ensureUser`, then one 'adjustment' grant of `credits`
 * (actor 'system', no reason unless given). Returns the grant's ledger entry.
 */
export async function userWithCredits(
  storage: Storage,
  userId: string,
  credits: number,
  grant: { email?: string | null; reason?: string | null; actor?: string; idempotencyKey?: string | null } = {},
): Promise<LedgerEntryRow> {
  await ensureUser(storage, { userId, email: grant.email ?? null });
  return grantCredits(storage, {
    userId,
    credits,
    kind: 'adjustment',
    reason: grant.reason ?? null,
    actor: grant.actor ?? 'system',
    idempotencyKey: grant.idempotencyKey ?? null,
  });
}
