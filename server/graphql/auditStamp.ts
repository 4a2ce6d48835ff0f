import type { GraphQLResolveInfo } from 'graphql';
import type { AuditStamp } from '../audit/auditTypes.ts';
import type { Viewer } from '../auth/viewerTypes.ts';
import type { GraphQLContext } from './context.ts';

/**
 * Who a mutation's audit record is due from (docs/audit.md):
 * - `admins`: admins only. A service's spends, holds and batches (and promotional grants) are
 *   recorded with the service as actor by their ledger and hold rows, so they write no audit row and
 *   the hot spend path stays one row per spend.
 * - `admins and services`: a mutation no ledger or hold row records (setLowBalanceThreshold).
 */
export type AuditedCallers = 'admins' | 'admins and services';

/**
 * The audit stamp of this mutation call for `viewer` (whom the resolver already let in), or null
 * when its record is not due: the field's name as the action, the request's id, and its arguments
 * (the `input` argument alone when there is one). `userId`: the user it is about when the
 * arguments name one; otherwise the SQL takes the result's.
 */
export function auditStamp(
  context: GraphQLContext,
  info: GraphQLResolveInfo,
  viewer: Viewer,
  options: { args: Record<string, unknown>; userId?: string | null; callers?: AuditedCallers },
): AuditStamp | null {
  const callers = options.callers ?? 'admins';
  const audited = viewer.role === 'admin' || (viewer.role === 'service' && callers === 'admins and services');
  if (!audited) return null;
  const { args } = options;
  return {
    actor: viewer.serviceName ?? viewer.userId,
    action: info.fieldName,
    requestId: context.requestId,
    userId: options.userId ?? null,
    input: Object.keys(args).length === 1 && 'input' in args ? args.input : args,
  };
}
