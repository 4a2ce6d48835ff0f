import { errors as joseErrors, jwtVerify } from 'jose';
import { errorCodes, TopupError } from '../errors.ts';
import { devSigningKeyAlgorithm, type DevSigningKey } from './loadDevSigningKey.ts';
import { devTokenAudience, devTokenIssuer } from './signDevToken.ts';
import type { VerifiedClaims } from './viewerFromClaims.ts';

/**
 * Verifies a dev token minted by `signDevToken`: signature with the local key (ES256 only, so
 * `alg: none` is refused), issuer, audience, expiry and not-before, with 5 s of clock tolerance like
 * Clerk's.
 *
 * Errors: UNAUTHENTICATED, saying whether the token expired or is not valid.
 */
export async function verifyDevToken(options: { token: string; key: DevSigningKey }): Promise<VerifiedClaims> {
  try {
    const { payload } = await jwtVerify(options.token, options.key.publicKey, {
      algorithms: [devSigningKeyAlgorithm],
      issuer: devTokenIssuer,
      audience: devTokenAudience,
      clockTolerance: 5,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return { ...payload };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new TopupError(errorCodes.unauthenticated, 'The dev token has expired; mint a new one');
    }
    if (error instanceof joseErrors.JOSEError) {
      throw new TopupError(errorCodes.unauthenticated, 'The dev token is not valid');
    }
    throw error;
  }
}
