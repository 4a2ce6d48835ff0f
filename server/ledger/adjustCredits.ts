import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import { assertCreditAmount } from './assertCreditAmount.ts';
import type { LedgerEntryRow } from './ledgerTypes.ts';

/**
 * An admin's correction with a required reason; a negative one may not overdraw.
 * With `audit`, the audit record is written in the same transaction (`auditedCall`).
 * Errors: BAD_USER_INPUT, NOT_FOUND (user), INSUFFICIENT_CREDITS, IDEMPOTENCY_CONFLICT.
 */
export async function adjustCredits(
  storage: Storage,
  options: { userId: string; delta: number; reason: string; actor: string; idempotencyKey: string; audit?: AuditStamp | null },
): Promise<LedgerEntryRow> {
  assertCreditAmount(options.delta, 'delta', { allowNegative: true });
  return auditedCall<LedgerEntryRow>(storage, options.audit, 'adjust_credits', sqlArguments(options, ['userId', 'delta', 'reason', 'actor', 'idempotencyKey']));
}
