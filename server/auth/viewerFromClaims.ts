import { errorCodes, TopupError } from '../errors.ts';
import type { Viewer } from './viewerTypes.ts';

/** Verified JWT claims, from Clerk or from a dev token. */
export type VerifiedClaims = Record<string, unknown>;

/** User ids as Clerk issues them (`user_` and base62), which dev tokens must follow too. */
export const userIdPattern = /^user_[A-Za-z0-9]{1,64}$/;

/** An email address as Topup stores one: no spaces or control characters (NUL included), at most 320 characters. */
export const emailPattern = /^[^\s@\u0000-\u001f\u007f]{1,64}@[^\s@\u0000-\u001f\u007f]{1,255}$/;

/**
 * Turns the claims of a verified token into the viewer, the same way for Clerk and dev tokens.
 * Admin: the user id is in `ADMIN_USER_IDS`, or the token says `role: "admin"` (dev tokens, or a
 * Clerk session token customized with `role` or `metadata.role`, e.g. from public metadata).
 *
 * Errors: UNAUTHENTICATED when the token names no usable user id.
 */
export function viewerFromClaims(options: { claims: VerifiedClaims; adminUserIds: readonly string[] }): Viewer {
  const { claims } = options;
  const userId = claims.sub;
  if (typeof userId !== 'string' || !userIdPattern.test(userId)) {
    throw new TopupError(errorCodes.unauthenticated, 'The token does not name a valid user id');
  }
  // A token is valid or not by its signature; an email claim Topup cannot store (a NUL, 10,000
  // characters) is ignored rather than failing every request of that user.
  const email = typeof claims.email === 'string' && emailPattern.test(claims.email) ? claims.email : null;
  const isAdmin = options.adminUserIds.includes(userId) || claimedRole(claims) === 'admin';
  return { userId, email, role: isAdmin ? 'admin' : 'user' };
}

function claimedRole(claims: VerifiedClaims): unknown {
  if (claims.role !== undefined) return claims.role;
  const metadata = claims.metadata;
  if (typeof metadata === 'object' && metadata !== null && 'role' in metadata) return metadata.role;
  return undefined;
}
