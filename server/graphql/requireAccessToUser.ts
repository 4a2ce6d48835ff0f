import type { Viewer } from '../auth/viewerTypes.ts';
import { errorCodes, TopupError } from '../errors.ts';
import type { GraphQLContext } from './context.ts';
import { requireRole } from './requireRole.ts';

/**
 * Gate for data that belongs to one user (their ledger, their purchases): the user themself or an
 * admin. Root fields already only hand out users the caller may see; this check on the nested
 * fields means a future root field that forgets it still leaks nothing.
 * Errors: UNAUTHENTICATED, FORBIDDEN.
 */
export function requireAccessToUser(context: GraphQLContext, userId: string): Viewer {
  const viewer = requireRole(context, ['user', 'admin']);
  if (viewer.role !== 'admin' && viewer.userId !== userId) {
    throw new TopupError(errorCodes.forbidden, "Only admins may see another user's data");
  }
  return viewer;
}
