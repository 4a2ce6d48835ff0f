import { describe, expect, it } from 'vitest';
import { matchServiceKey } from '../../server/auth/matchServiceKey.ts';

describe('matchServiceKey', () => {
  it('names the matching key by fingerprint, whatever its position, and matches nothing else', () => {
    // Proves the service identity is stable across reordering and that prefixes, suffixes and empty lists match nothing.
    const keys = ['alpha-key-0001', 'beta-key-0002'];
    const name = matchServiceKey({ presentedKey: 'beta-key-0002', serviceApiKeys: keys });
    expect(name).toMatch(/^service:[0-9a-f]{8}$/);
    expect(matchServiceKey({ presentedKey: 'beta-key-0002', serviceApiKeys: [...keys].reverse() })).toBe(name);
    expect(matchServiceKey({ presentedKey: 'alpha-key-0001', serviceApiKeys: keys })).not.toBe(name);
    for (const presentedKey of ['beta-key-000', 'beta-key-00022', '', 'BETA-KEY-0002']) {
      expect(matchServiceKey({ presentedKey, serviceApiKeys: keys })).toBeNull();
    }
    expect(matchServiceKey({ presentedKey: 'beta-key-0002', serviceApiKeys: [] })).toBeNull();
  });
});
