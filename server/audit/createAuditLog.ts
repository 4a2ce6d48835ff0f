import type { Storage } from '../db/storage.ts';
import { errorCodes, TopupError } from '../errors.ts';
import type { Page } from '../ledger/ledgerTypes.ts';
import { decodeCursor, pageSize, toPage } from '../ledger/pagination.ts';
import type { AuditLogFilter, AuditRecordRow, AuditStamp } from './auditTypes.ts';

/**
 * The admin audit log as the transports read it (docs/audit.md). Records are written by the
 * mutations themselves, through `auditedCall`, in the transaction of their effect; the only record
 * written here is that of a refused attempt, marked so, after its transaction rolled back.
 */
export interface AuditLog {
  /** Newest first, keyset-paginated. Errors: BAD_USER_INPUT (page size, cursor, an instant). */
  list(options: AuditLogFilter & { first?: number | null; after?: string | null }): Promise<Page<AuditRecordRow>>;
  /** An admin's mutation that was refused with `error` (nothing of it took effect): a record marked refused. */
  recordRefused(audit: AuditStamp, error: { code: string; message: string }): Promise<AuditRecordRow>;
}

const cursorScope = 'auditLog';

export function createAuditLog(storage: Storage): AuditLog {
  return {
    async list(options) {
      const size = pageSize(options.first);
      const rows = await storage.call<{ node: AuditRecordRow; cursor: string }[]>('list_audit_log', {
        p_actor: options.actor ?? null,
        p_action: options.action ?? null,
        p_user_id: options.userId ?? null,
        p_from: parseInstant(options.from, 'from'),
        p_to: parseInstant(options.to, 'to'),
        p_refused: options.refused ?? null,
        p_after: decodeCursor(cursorScope, options.after),
        p_limit: size,
      });
      return toPage(cursorScope, rows, size);
    },
    recordRefused: (audit, error) => storage.call<AuditRecordRow>('record_refused_attempt', { p_audit: audit, p_error: error }),
  };
}

function parseInstant(value: string | null | undefined, name: string): string | null {
  if (value === null || value === undefined) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new TopupError(errorCodes.badUserInput, `${name} must be an ISO 8601 date-time`, { field: name });
  return new Date(time).toISOString();
}
