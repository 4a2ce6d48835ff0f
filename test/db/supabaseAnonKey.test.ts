import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { ensureUser } from '../../server/ledger/ensureUser.ts';
import { findUser } from '../../server/ledger/findUser.ts';
import { testStorageForSuite } from '../support/testStorage.ts';
import { userWithCredits } from '../support/userWithCredits.ts';

/**
 * Proves that the anon key, which Supabase ships to every browser, cannot move credits: supabase-js
 * with it calls `grant_credits`, `adjust_credits` and `apply_checkout_event` through the
 * PostgREST-compatible endpoint (which runs each call as the key's role, like PostgREST) and gets a
 * permission error with nothing written, while the service role key's calls work. On PostgreSQL when
 * TEST_DATABASE_URL is set, on PGlite otherwise (both support roles).
 */
describe('supabase-js with the anon key', () => {
  const suite = testStorageForSuite('supabase');
  const clientWith = (key: string) =>
    createClient(suite().supabase!.url, key, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });

  const calls = {
    grant_credits: {
      p_user_id: 'user_anon_target',
      p_credits: 1000,
      p_kind: 'adjustment',
      p_reason: 'free credits',
      p_actor: 'anon',
      p_idempotency_key: null,
      p_source_type: null,
      p_source_id: null,
    },
    adjust_credits: { p_user_id: 'user_anon_target', p_delta: 1000, p_reason: 'free credits', p_actor: 'anon', p_idempotency_key: null },
    apply_checkout_event: { p_event: { id: 'evt_anon', type: 'checkout.session.completed' }, p_settlement: {} },
  } as const;

  it.each(Object.keys(calls) as (keyof typeof calls)[])('cannot call %s: permission denied, and the balance is unchanged', async (name) => {
    const { storage, supabase } = suite();
    await ensureUser(storage, { userId: 'user_anon_target', email: null });
    const { data, error } = await clientWith(supabase!.anonKey).rpc(name, calls[name]);
    expect(data).toBeNull();
    expect(error?.code).toBe('42501');
    expect(error?.message).toMatch(/permission denied/);
    expect((await findUser(storage, 'user_anon_target'))?.credits).toBe(0);
  });

  it('with the service role key, the same endpoint runs the calls as service_role', async () => {
    const { storage, supabase, database } = suite();
    const entry = await userWithCredits(storage, 'user_service_target', 7, { reason: 'service grant', actor: 'test' });
    expect(entry.balanceAfter).toBe(7);
    const [row] = await database.query<{ credits: number }>(`select credits::int as credits from users where id = 'user_service_target'`);
    expect(row?.credits).toBe(7);
    // A malformed event reaches the function's own checks: the error is not a permission error.
    const { error } = await clientWith(supabase!.serviceRoleKey).rpc('apply_checkout_event', calls.apply_checkout_event);
    expect(error?.code).not.toBe('42501');
  });

  it('refuses any other key with 401, before the database', async () => {
    const response = await fetch(`${suite().supabase!.url}/rest/v1/rpc/find_user`, {
      method: 'POST',
      headers: { apikey: 'not-a-key', 'content-type': 'application/json' },
      body: JSON.stringify({ p_user_id: 'user_service_target' }),
    });
    expect(response.status).toBe(401);
  });
});
