import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Storage } from './storage.ts';
import { toTopupError } from './sqlErrors.ts';
import { pendingFrom, readyDetail } from './migrate.ts';

/**
 * `Storage` through Supabase's PostgREST with the service role key, calling the same SQL functions
 * with `.rpc()`, as the app this replaces does. Migrations are applied with a direct connection
 * (`npm run migrate` with DATABASE_URL set to Supabase's connection string); readiness checks that
 * every schema migration this code knows is applied and every function file is at its current content.
 */
export function createSupabaseStorage(options: { url: string; serviceRoleKey: string }): Storage {
  const client: SupabaseClient = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no global WebSocket; supabase-js's realtime client needs one even when unused.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
  const call = async <Result>(functionName: string, args: Record<string, unknown>): Promise<Result> => {
    const { data, error } = await client.rpc(functionName, args);
    if (error) {
      throw toTopupError({ code: error.code, message: error.message, detail: error.details }) ??
        new Error(`supabase rpc ${functionName} failed: ${error.code ?? ''} ${error.message}`);
    }
    return data as Result;
  };
  return {
    kind: 'supabase',
    call,
    async checkReady() {
      try {
        const schema = await call<string[]>('applied_migrations', {});
        const functions = await call<Record<string, string>>('applied_function_files', {});
        const { pending, ahead } = pendingFrom({ schema, functions });
        if (pending.length > 0) return { ready: false, detail: `pending migrations: ${pending.join(', ')}` };
        try {
          await call('probe_write', {});
        } catch (error) {
          return { ready: false, detail: `database cannot write: ${(error as Error).message}` };
        }
        return { ready: true, detail: readyDetail(schema.length, ahead) };
      } catch (error) {
        return { ready: false, detail: `database unreachable: ${(error as Error).message}` };
      }
    },
    async close() {
      await client.removeAllChannels();
    },
  };
}
