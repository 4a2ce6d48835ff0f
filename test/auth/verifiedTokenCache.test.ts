import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from '../../server/auth/createVerifiedTokenCache.ts';

describe('the verified-token cache', () => {
  it('returns claims until the token expires or the TTL passes, whichever is first', () => {
    // Proves an expired token is never served from the cache, and the TTL bounds a long-lived token.
    const cache = createVerifiedTokenCache({ ttlMilliseconds: 60_000 });
    const now = 1_800_000_000_000;
    cache.set('short', { sub: 'user_a', exp: now / 1000 + 10 }, now);
    cache.set('long', { sub: 'user_b', exp: now / 1000 + 3600 }, now);
    expect(cache.get('short', now + 9_000)).toMatchObject({ sub: 'user_a' });
    expect(cache.get('short', now + 10_000)).toBeNull();
    expect(cache.get('long', now + 59_000)).toMatchObject({ sub: 'user_b' });
    expect(cache.get('long', now + 60_000)).toBeNull();
    cache.set('expired', { sub: 'user_c', exp: now / 1000 - 1 }, now);
    expect(cache.get('expired', now)).toBeNull();
    cache.set('no-exp', { sub: 'user_d' }, now);
    expect(cache.get('no-exp', now)).toBeNull();
    expect(cache.get('never-seen', now)).toBeNull();
  });

  it('is bounded, evicting the least recently used token first', () => {
    // Proves the size limit: with room for two, touching the first keeps it and drops the second.
    const cache = createVerifiedTokenCache({ entriesMax: 2 });
    const now = 1_800_000_000_000;
    const claims = { sub: 'user_a', exp: now / 1000 + 3600 };
    cache.set('one', claims, now);
    cache.set('two', claims, now);
    expect(cache.get('one', now)).not.toBeNull();
    cache.set('three', claims, now);
    expect(cache.get('two', now)).toBeNull();
    expect(cache.get('one', now)).not.toBeNull();
    expect(cache.get('three', now)).not.toBeNull();
  });
});
