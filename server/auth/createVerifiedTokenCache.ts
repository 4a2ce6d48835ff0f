import { createHash } from 'node:crypto';
import type { VerifiedClaims } from './viewerFromClaims.ts';

export interface VerifiedTokenCache {
  /** The claims of `token` if it was verified recently and has not expired since; else null. */
  get(token: string, nowMilliseconds?: number): VerifiedClaims | null;
  /** Remembers a token that just passed verification. */
  set(token: string, claims: VerifiedClaims, nowMilliseconds?: number): void;
}

/**
 * A client sends the same session token with every request, and checking its ES256/RS256 signature
 * was the largest single cost of an authenticated request (`npm run bench`, CPU profile of `me`).
 * Verified claims are kept, keyed by the token's SHA-256, until the token's `exp` or `ttlMilliseconds`
 * (60 s), whichever comes first, so an expired token is never accepted and a key rotation is seen
 * within a minute. Bounded: the least recently used entry goes first past `entriesMax`. Only
 * successes are kept: a bad token is verified (and refused) every time.
 */
export function createVerifiedTokenCache(options: { entriesMax?: number; ttlMilliseconds?: number } = {}): VerifiedTokenCache {
  const entriesMax = options.entriesMax ?? 10_000;
  const ttlMilliseconds = options.ttlMilliseconds ?? 60_000;
  const entries = new Map<string, { claims: VerifiedClaims; validUntilMilliseconds: number }>();
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  return {
    get(token, nowMilliseconds = Date.now()) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (entry === undefined) return null;
      entries.delete(key);
      if (entry.validUntilMilliseconds <= nowMilliseconds) return null;
      entries.set(key, entry);
      return entry.claims;
    },
    set(token, claims, nowMilliseconds = Date.now()) {
      const expiresAtMilliseconds = typeof claims.exp === 'number' ? claims.exp * 1000 : nowMilliseconds;
      const validUntilMilliseconds = Math.min(expiresAtMilliseconds, nowMilliseconds + ttlMilliseconds);
      if (validUntilMilliseconds <= nowMilliseconds) return;
      const key = keyOf(token);
      entries.delete(key);
      entries.set(key, { claims, validUntilMilliseconds });
      while (entries.size > entriesMax) entries.delete(entries.keys().next().value!);
    },
  };
}
