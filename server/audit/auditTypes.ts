export type { AuditStamp } from '../db/auditedCall.ts';

/** One audit record as `audit_record_json` returns it (functions/audit.sql). */
export interface AuditRecordRow {
  id: string;
  /** An admin's user id, or a service's name. */
  actor: string;
  /** The GraphQL Mutation field called. */
  action: string;
  userId: string | null;
  /** What the caller asked, secrets redacted. */
  input: unknown;
  /** What the mutation answered, secrets redacted. */
  result: unknown;
  requestId: string;
  /** The mutation was refused and changed nothing; `result` is `{ error: { code, message } }`. */
  refused: boolean;
  createdAt: string;
}

export interface AuditLogFilter {
  actor?: string | null;
  action?: string | null;
  userId?: string | null;
  /** ISO instant, inclusive. */
  from?: string | null;
  /** ISO instant, exclusive. */
  to?: string | null;
  /** true: refused attempts only; false: mutations that took effect only; absent: both. */
  refused?: boolean | null;
}
