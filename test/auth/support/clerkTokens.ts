import { exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export const clerkIssuer = 'https://clerk.topup.example.test';
export const authorizedParty = 'http://localhost:4000';

export interface ClerkInstance {
  /** What `CLERK_JWT_KEY` holds: the instance's PEM public key. */
  publicKeyPem: string;
  /** A Clerk-shaped session token (`sub`, `sid`, `iss`, `azp`, `iat`, `nbf`, `exp`), with overrides. */
  sessionToken(options: { userId: string; claims?: JWTPayload; expiresInSeconds?: number; notBeforeOffsetSeconds?: number }): Promise<string>;
}

/**
 * A stand-in for a Clerk instance: an RSA key pair (2048 bits, e = 65537, as Clerk's) and session
 * tokens signed with it, so tests run the real `verifyToken` of `@clerk/backend` without a network.
 */
export async function createClerkInstance(): Promise<ClerkInstance> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return {
    publicKeyPem: await exportSPKI(publicKey),
    async sessionToken(options) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sid: 'sess_2Ro7e2IxrffdqBboq8KfB6eGbIy', azp: authorizedParty, ...options.claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_2RfWKJREkjKbHZy0Wqa5qrHeAnb' })
        .setSubject(options.userId)
        .setIssuer(clerkIssuer)
        .setIssuedAt(now - 10)
        .setNotBefore(now - 10 + (options.notBeforeOffsetSeconds ?? 0))
        .setExpirationTime(now + (options.expiresInSeconds ?? 60))
        .sign(privateKey);
    },
  };
}

/** A JWT with `alg: none` and no signature: what an attacker sends hoping nobody checks. */
export function unsignedToken(payload: JWTPayload): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}
