/**
 * The one seam between the domain and PostgreSQL. Every read and every credit movement is a SQL
 * function (see `server/db/functions/`) that takes named arguments and returns `jsonb`, so the
 * three ways of reaching PostgreSQL (embedded PGlite, `pg` with a pool, supabase-js `.rpc()`) give
 * byte-for-byte the same results: JSON numbers for bigint credits, ISO strings for timestamps.
 */
export interface Storage {
  readonly kind: 'pglite' | 'postgres' | 'supabase';
  /**
   * Calls `functionName(argument => value, ...)` and returns its jsonb result, parsed.
   * Errors: `TopupError` for the domain errors the SQL functions raise (see `sqlErrors.ts`);
   * anything else (connection lost, timeout) is thrown as is and is a transient failure.
   */
  call<Result>(functionName: string, args: Record<string, unknown>): Promise<Result>;
  /** Reachable and fully migrated; `detail` says why not. */
  checkReady(): Promise<{ ready: boolean; detail: string }>;
  close(): Promise<void>;
}
