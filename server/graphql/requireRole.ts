import type { Role, Viewer } from '../auth/viewerTypes.ts';
import { errorCodes, TopupError } from '../errors.ts';
import type { GraphQLContext } from './context.ts';

/**
 * The one gate of every resolver that needs a caller: returns the viewer when its role is one of
 * `roles`. Errors: UNAUTHENTICATED without a credential, FORBIDDEN for any other role.
 */
export function requireRole(context: GraphQLContext, roles: readonly Role[]): Viewer {
  const { viewer } = context;
  if (viewer === null) throw new TopupError(errorCodes.unauthenticated, 'Sign in first');
  if (!roles.includes(viewer.role)) {
    throw new TopupError(errorCodes.forbidden, `This needs the ${roles.join(' or ')} role`);
  }
  return viewer;
}
