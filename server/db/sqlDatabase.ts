/**
 * Raw SQL access for the two adapters that speak the PostgreSQL protocol (PGlite and `pg`). The
 * domain never sees this: it goes through `Storage.call`. The migration runner and tests use it.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `work` on one connection held for its whole duration (session-level advisory locks need
   * that). On PGlite, other callers queue behind it; inside `work`, use only the given executor:
   * the outer handle would wait for `work` to finish, which waits for it: a deadlock.
   */
  withSession<Result>(work: (session: SqlExecutor) => Promise<Result>): Promise<Result>;
  /** `withSession` inside BEGIN/COMMIT, rolled back when `work` throws. */
  transaction<Result>(work: (transaction: SqlExecutor) => Promise<Result>): Promise<Result>;
  close(): Promise<void>;
}
