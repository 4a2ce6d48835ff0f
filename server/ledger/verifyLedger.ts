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
 * the running sum, and every granted purchase has exactly one purchase entry.
 */
export function verifyLedger(storage: Storage): Promise<LedgerVerification> {
  return storage.call<LedgerVerification>('verify_ledger', {});
}
