import { SignJWT } from 'jose';
import { devSigningKeyAlgorithm, type DevSigningKey } from './loadDevSigningKey.ts';

/** Dev tokens name this issuer and audience, so a dev token is never mistaken for anything else. */
export const devTokenIssuer = 'topup-dev';
export const devTokenAudience = 'topup';
/** Long enough for a working day; short enough that a leaked dev token does not live forever. */
export const devTokenLifetimeSeconds = 12 * 60 * 60;

/**
 * Mints a dev token: a JWT shaped like a Clerk session token (`sub`, `iat`, `nbf`, `exp`) plus the
 * `email` and `role` claims that `viewerFromClaims` reads for Clerk tokens too.
 * The caller validates `userId` and `email`; this function only signs.
 */
export async function signDevToken(options: {
  key: DevSigningKey;
  userId: string;
  email: string | null;
  role: 'user' | 'admin';
}): Promise<{ token: string; expiresAt: string }> {
  const issuedAtSeconds = Math.floor(Date.now() / 1000);
  const expiresAtSeconds = issuedAtSeconds + devTokenLifetimeSeconds;
  const token = await new SignJWT({ role: options.role, ...(options.email !== null ? { email: options.email } : {}) })
    .setProtectedHeader({ alg: devSigningKeyAlgorithm, typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuer(devTokenIssuer)
    .setAudience(devTokenAudience)
    .setIssuedAt(issuedAtSeconds)
    .setNotBefore(issuedAtSeconds)
    .setExpirationTime(expiresAtSeconds)
    .sign(options.key.privateKey);
  return { token, expiresAt: new Date(expiresAtSeconds * 1000).toISOString() };
}
