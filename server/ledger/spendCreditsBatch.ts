import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import { sqlStateErrorCode } from '../db/sqlErrors.ts';
import type { Storage } from '../db/storage.ts';
import { errorCodes, TopupError } from '../errors.ts';
import type { LedgerEntryRow, SpendResultRow } from './ledgerTypes.ts';

/** The most items one batch may hold. */
export const spendBatchItemsMax = 1000;

export interface SpendBatchItem {
  userId: string;
  amount: number;
  reason: string | null;
  idempotencyKey: string;
}

/**
 * Many spends in one SQL round trip (`spend_credits_batch`), applied in order, each succeeding or
 * failing on its own with the code its own `spendCredits` would have had; results in input order.
 * An amount that is not a positive safe integer fails its item here, without reaching the database.
 * With `audit` (an admin's batch), one audit record for the batch, in its transaction.
 * Errors (the whole batch): BAD_USER_INPUT (more than 1000 items).
 */
export async function spendCreditsBatch(
  storage: Storage,
  options: { items: SpendBatchItem[]; actor: string; audit?: AuditStamp | null },
): Promise<SpendResultRow[]> {
  if (options.items.length > spendBatchItemsMax) {
    throw new TopupError(errorCodes.badUserInput, `a batch holds at most ${spendBatchItemsMax} items`, { itemsMax: spendBatchItemsMax });
  }
  const valid = options.items.filter((item) => Number.isSafeInteger(item.amount) && item.amount > 0);
  const answers =
    valid.length === 0
      ? []
      : await auditedCall<{ idempotencyKey: string; entry?: LedgerEntryRow; error?: { sqlState: string; message: string } }[]>(
          storage,
          options.audit,
          'spend_credits_batch',
          // An object, not an array: every adapter sends objects as jsonb (arrays go as SQL arrays).
          { p_batch: { items: valid }, p_actor: options.actor },
        );
  let next = 0;
  return options.items.map((item): SpendResultRow => {
    if (!(Number.isSafeInteger(item.amount) && item.amount > 0)) {
      return { idempotencyKey: item.idempotencyKey, entry: null, error: { code: errorCodes.badUserInput, message: 'amount must be a positive safe integer' } };
    }
    const answer = answers[next++]!;
    if (answer.entry) return { idempotencyKey: item.idempotencyKey, entry: answer.entry, error: null };
    return {
      idempotencyKey: item.idempotencyKey,
      entry: null,
      error: { code: sqlStateErrorCode(answer.error!.sqlState), message: answer.error!.message },
    };
  });
}
