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
  return storage.call<LedgerEntryRow>('grant_credits', {
    p_user_id: options.userId,
    p_credits: options.credits,
    p_kind: options.kind,
    p_reason: options.reason,
    p_actor: options.actor,
    p_idempotency_key: options.idempotencyKey,
    p_source_type: options.sourceType ?? null,
    p_source_id: options.sourceId ?? null,
  });
}
