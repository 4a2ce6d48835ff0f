import type { Storage } from './storage.ts';

/**
 * The audit record a mutation writes with its effect (docs/audit.md): who (an admin's user id or a
 * service's name), which GraphQL field, the request's id, what was asked, and the user it is about
 * when the caller knows it (otherwise the SQL takes the result's `userId`).
 */
export interface AuditStamp {
  actor: string;
  action: string;
  requestId: string;
  userId: string | null;
  input: unknown;
}

/**
 * Calls `functionName` like `storage.call`, or, with an audit stamp, through `run_audited`
 * (`functions/audit.sql`): the function and the audit record in one SQL call, so in one
 * transaction, on every adapter (supabase-js cannot wrap two calls in a transaction). The function
 * must be one of `audited_functions()`. Errors: those of the function; a refused call writes no record.
 */
export function auditedCall<Result>(storage: Storage, audit: AuditStamp | null | undefined, functionName: string, args: Record<string, unknown>): Promise<Result> {
  if (audit === null || audit === undefined) return storage.call<Result>(functionName, args);
  // undefined becomes null, as `functionCallSql` sends it, so the function sees the same arguments.
  const values = Object.fromEntries(Object.entries(args).map(([name, value]) => [name, value === undefined ? null : value]));
  return storage.call<Result>('run_audited', { p_function: functionName, p_arguments: values, p_audit: audit });
}
