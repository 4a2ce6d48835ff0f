import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Finds which configured service key (`SERVICE_API_KEYS`) was presented, in constant time: both
 * sides are hashed to the same length and every key is compared, so neither the length nor the
 * position of a match shows in the timing.
 *
 * Returns the service's name, `service:<first 8 hex digits of sha256(key)>`, or null. The name is
 * recorded as the actor of what the service does; a fingerprint (not the key's position in the list)
 * keeps it stable when keys are added or rotated, and never reveals the key.
 */
export function matchServiceKey(options: { presentedKey: string; serviceApiKeys: readonly string[] }): string | null {
  const presentedDigest = sha256(options.presentedKey);
  let matchedDigest: Buffer | null = null;
  for (const key of options.serviceApiKeys) {
    const digest = sha256(key);
    if (timingSafeEqual(presentedDigest, digest)) matchedDigest = digest;
  }
  return matchedDigest === null ? null : `service:${matchedDigest.toString('hex').slice(0, 8)}`;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
