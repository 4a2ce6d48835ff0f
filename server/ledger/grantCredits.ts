import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import { assertCreditAmount } from './assertCreditAmount.ts';
import type { LedgerEntryRow, LedgerKind } from './ledgerTypes.ts';

/**
 * Adds credits in one transaction with its ledger row (SQL `grant_credits`). Purchases do not come
 * through here: they are granted by `settle_checkout_session`, tied to their checkout session.
 * Errors: BAD_USER_INPUT, NOT_FOUND (user), IDEMPOTENCY_CONFLICT.
 */
export async function grantCredits(
  storage: Storage,
  options: {
    userId: string;
    credits: number;
    kind: Extract<LedgerKind, 'adjustment' | 'dispute_won' | 'purchase'>;
    reason: string | null;
    actor: string;
    idempotencyKey: string | null;
    sourceType?: string | null;
    sourceId?: string | null;
  },
): Promise<LedgerEntryRow> {
  assertCreditAmount(options.credits, 'credits', { allowNegative: false });
  return storage.call<LedgerEntryRow>(
    'grant_credits',
    sqlArguments(options, ['userId', 'credits', 'kind', 'reason', 'actor', 'idempotencyKey', 'sourceType', 'sourceId']),
  );
}
