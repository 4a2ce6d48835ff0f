import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import { assertCreditAmount } from './assertCreditAmount.ts';
import type { LedgerEntryRow } from './ledgerTypes.ts';

/**
 * Takes credits for usage, never below zero. Same key and same input returns the original entry.
 * With `audit` (an admin's spend; a service's is recorded by its ledger row alone), the audit
 * record is written in the same transaction.
 * Errors: BAD_USER_INPUT, NOT_FOUND (user), INSUFFICIENT_CREDITS, IDEMPOTENCY_CONFLICT.
 */
export async function spendCredits(
  storage: Storage,
  options: { userId: string; amount: number; reason: string | null; actor: string; idempotencyKey: string; audit?: AuditStamp | null },
): Promise<LedgerEntryRow> {
  assertCreditAmount(options.amount, 'amount', { allowNegative: false });
  return auditedCall<LedgerEntryRow>(storage, options.audit, 'spend_credits', sqlArguments(options, ['userId', 'amount', 'reason', 'actor', 'idempotencyKey']));
}
