import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config.ts';
import { errorCodes, TopupError } from '../errors.ts';
import type { DevSigningKey } from './loadDevSigningKey.ts';
import { createServiceKeyMatcher } from './matchServiceKey.ts';
import { verifyClerkToken } from './verifyClerkToken.ts';
import { verifyDevToken } from './verifyDevToken.ts';
import { createVerifiedTokenCache } from './createVerifiedTokenCache.ts';
import type { VerifiedClaims } from './viewerFromClaims.ts';
import { viewerFromClaims } from './viewerFromClaims.ts';
import type { Viewer } from './viewerTypes.ts';

export interface Authenticator {
  /**
   * The caller of one request, from its `Authorization: Bearer <credential>` header: a service
   * key, or a session token (Clerk's, or a dev token when dev auth is on: never both, so a dev
   * token is worthless on a server that verifies Clerk tokens).
   * Returns null when the request carries no credential (anonymous).
   *
   * Errors: UNAUTHENTICATED when a credential is present but not valid. A bad credential is refused
   * rather than treated as anonymous, so the client learns that its token expired.
   */
  authenticate(headers: IncomingHttpHeaders): Promise<Viewer | null>;
}

/** Bearer tokens longer than this are refused before any parsing or crypto. */
const credentialLengthMax = 8192;

export function createAuthenticator(options: {
  config: Config;
  /** Loads the dev-auth key; only called when dev auth is on. */
  devSigningKey: () => Promise<DevSigningKey>;
}): Authenticator {
  const { config } = options;
  const verifiedTokens = createVerifiedTokenCache();
  const matchServiceKey = createServiceKeyMatcher(config.serviceApiKeys);
  const verifySignature = (token: string): Promise<VerifiedClaims> =>
    config.devAuth
      ? options.devSigningKey().then((key) => verifyDevToken({ token, key }))
      : verifyClerkToken({ token, clerk: config.clerk });
  const verifySessionToken = async (token: string): Promise<VerifiedClaims> => {
    const cached = verifiedTokens.get(token);
    if (cached !== null) return cached;
    const claims = await verifySignature(token);
    verifiedTokens.set(token, claims);
    return claims;
  };

  return {
    async authenticate(headers) {
      const credential = bearerCredential(headers.authorization);
      if (credential === null) return null;
      const serviceName = matchServiceKey(credential);
      if (serviceName !== null) return { userId: serviceName, email: null, role: 'service', serviceName };
      const claims = await verifySessionToken(credential);
      return viewerFromClaims({ claims, adminUserIds: config.adminUserIds });
    },
  };
}

function bearerCredential(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match === null) {
    throw new TopupError(errorCodes.unauthenticated, 'The Authorization header must be "Bearer <token>"');
  }
  const credential = match[1]!;
  if (credential.length > credentialLengthMax) {
    throw new TopupError(errorCodes.unauthenticated, 'The bearer token is too long');
  }
  return credential;
}
