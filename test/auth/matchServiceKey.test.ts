import { describe, expect, it } from 'vitest';
import { createServiceKeyMatcher } from '../../server/auth/matchServiceKey.ts';

describe('createServiceKeyMatcher', () => {
  it('names the matching key by fingerprint, whatever its position, and matches nothing else', () => {
    // Proves the service identity is stable across reordering and that prefixes, suffixes and empty lists match nothing.
    const keys = ['alpha-key-0001', 'beta-key-0002'];
    const name = createServiceKeyMatcher(keys)('beta-key-0002');
    expect(name).toMatch(/^service:[0-9a-f]{8}$/);
    expect(createServiceKeyMatcher([...keys].reverse())('beta-key-0002')).toBe(name);
    expect(createServiceKeyMatcher(keys)('alpha-key-0001')).not.toBe(name);
    for (const presentedKey of ['beta-key-000', 'beta-key-00022', '', 'BETA-KEY-0002']) {
      expect(createServiceKeyMatcher(keys)(presentedKey)).toBeNull();
    }
    expect(createServiceKeyMatcher([])('beta-key-0002')).toBeNull();
  });
});
