import type { Storage } from '../db/storage.ts';

export interface LedgerVerification {
  usersChecked: number;
  entriesChecked: number;
  problemCount: number;
  /** At most 100, each naming the user or entry and what differs. */
  problems: Record<string, unknown>[];
}

/**
 * Checks the invariant: every balance equals the sum of its user's deltas, every `balance_after` is
 * the running sum, and every granted purchase has exactly one purchase entry; and the lots: each
 * user's lots add up to the balance, no lot is negative and each is its grant less its draws, and
 * every spend, expiry and negative adjustment drew exactly its delta (`lot_problems`).
 */
export function verifyLedger(storage: Storage): Promise<LedgerVerification> {
  return storage.call<LedgerVerification>('verify_ledger', {});
}
