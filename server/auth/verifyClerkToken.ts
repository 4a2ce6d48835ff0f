import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import type { Config } from '../config.ts';
import { errorCodes, TopupError } from '../errors.ts';
import type { VerifiedClaims } from './viewerFromClaims.ts';

const serverSideReasons = new Set<string>([
  TokenVerificationErrorReason.LocalJWKMissing,
  TokenVerificationErrorReason.RemoteJWKFailedToLoad,
  TokenVerificationErrorReason.JWKFailedToResolve,
  TokenVerificationErrorReason.InvalidSecretKey,
]);

/**
 * Verifies a Clerk session token: signature (networkless with `CLERK_JWT_KEY`, or with keys fetched
 * using `CLERK_SECRET_KEY`), expiry, not-before, issued-at, and `azp` against
 * `CLERK_AUTHORIZED_PARTIES` when that list is set. Clerk accepts only RS256/384/512, so `alg: none`
 * and HMAC-confusion tokens are refused before the signature is checked.
 *
 * Errors: UNAUTHENTICATED with Clerk's reason (e.g. `token-expired`), which is safe to show.
 */
export async function verifyClerkToken(options: { token: string; clerk: Config['clerk'] }): Promise<VerifiedClaims> {
  const { clerk } = options;
  let claims: VerifiedClaims;
  try {
    claims = await verifyToken(options.token, {
      ...(clerk.jwtKey !== null ? { jwtKey: clerk.jwtKey } : {}),
      ...(clerk.secretKey !== null ? { secretKey: clerk.secretKey } : {}),
      ...(clerk.authorizedParties.length > 0 ? { authorizedParties: clerk.authorizedParties } : {}),
    });
  } catch (error) {
    // Not the client's fault (no key configured, Clerk's JWKS unreachable): an internal error,
    // logged, rather than a 401 that would make the console sign the user out.
    if (error instanceof TokenVerificationError && serverSideReasons.has(error.reason)) throw error;
    // Clerk's reasons are a fixed vocabulary (`token-expired`, `token-invalid-signature`, ...).
    const reason = error instanceof TokenVerificationError ? error.reason : 'token-invalid';
    throw new TopupError(errorCodes.unauthenticated, `The session token was rejected (${reason})`);
  }
  // Clerk marks sessions that still have a task to finish (e.g. choosing an organization) as
  // pending; its own SDK treats them as signed out by default, and so do we.
  if (claims.sts === 'pending') {
    throw new TopupError(errorCodes.unauthenticated, 'The session is pending; finish signing in first');
  }
  return claims;
}
