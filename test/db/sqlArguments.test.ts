import { describe, expect, it } from 'vitest';
import { sqlArgumentName, sqlArguments } from '../../server/db/sqlArguments.ts';

describe('sqlArguments', () => {
  it('turns camelCase keys into p_snake_case named arguments', () => {
    expect(sqlArguments({ userId: 'u1', amount: 5, idempotencyKey: 'k', expiresInSeconds: 60 })).toEqual({
      p_user_id: 'u1',
      p_amount: 5,
      p_idempotency_key: 'k',
      p_expires_in_seconds: 60,
    });
    expect(sqlArgumentName('x')).toBe('p_x');
  });

  it('sends undefined as null and keeps null, false, 0 and empty strings as they are', () => {
    expect(sqlArguments({ sourceId: undefined, reason: null, includeSpent: false, amount: 0, search: '' })).toEqual({
      p_source_id: null,
      p_reason: null,
      p_include_spent: false,
      p_amount: 0,
      p_search: '',
    });
  });

  it('with keys, sends only those, in that order, and a missing one as null', () => {
    const options: { userId: string; amount: number; extra: string; sourceType?: string } = { userId: 'u1', amount: 3, extra: 'no' };
    const args = sqlArguments(options, ['amount', 'userId', 'sourceType']);
    expect(args).toEqual({ p_amount: 3, p_user_id: 'u1', p_source_type: null });
    expect(Object.keys(args)).toEqual(['p_amount', 'p_user_id', 'p_source_type']);
  });

  it('leaves object values alone (jsonb parameters are encoded by the storage)', () => {
    const event = { id: 'evt_1' };
    expect(sqlArguments({ event }).p_event).toBe(event);
  });
});
