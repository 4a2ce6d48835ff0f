import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Finds which configured service key (`SERVICE_API_KEYS`) was presented, in constant time: both
 * sides are hashed to the same length and every key is compared, so neither the length nor the
 * position of a match shows in the timing. The configured keys are hashed once, here; each request
 * hashes only the key it presents.
 *
 * The matcher returns the service's name, `service:<first 8 hex digits of sha256(key)>`, or null.
 * The name is recorded as the actor of what the service does; a fingerprint (not the key's position
 * in the list) keeps it stable when keys are added or rotated, and never reveals the key.
 */
export function createServiceKeyMatcher(serviceApiKeys: readonly string[]): (presentedKey: string) => string | null {
  const digests = serviceApiKeys.map(sha256);
  return (presentedKey) => {
    const presentedDigest = sha256(presentedKey);
    let matchedDigest: Buffer | null = null;
    for (const digest of digests) {
      if (timingSafeEqual(presentedDigest, digest)) matchedDigest = digest;
    }
    return matchedDigest === null ? null : `service:${matchedDigest.toString('hex').slice(0, 8)}`;
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
