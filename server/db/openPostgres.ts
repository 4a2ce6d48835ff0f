import pg from 'pg';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';

/**
 * Opens a pool to any PostgreSQL (Supabase's direct or pooled connection strings included: no named
 * prepared statements are used, so a transaction-mode pooler works). Every connection gets a
 * statement timeout so a stuck query cannot hold a pool slot forever.
 */
export async function openPostgres(options: {
  connectionString: string;
  poolSizeMax: number;
  statementTimeoutMilliseconds: number;
  applicationName?: string;
}): Promise<SqlDatabase> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSizeMax,
    statement_timeout: options.statementTimeoutMilliseconds,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'topup',
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener Node
  // would crash the process. The next query simply gets a fresh connection.
  pool.on('error', () => undefined);
  const executorOf = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const withSession = async <Result>(work: (session: SqlExecutor) => Promise<Result>): Promise<Result> => {
    const client = await pool.connect();
    let broken = false;
    try {
      return await work(executorOf(client));
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      // A client whose work failed may hold session state (locks, an aborted transaction): drop it.
      client.release(broken);
    }
  };
  const direct = executorOf(pool);
  return {
    kind: 'postgres',
    query: direct.query,
    exec: direct.exec,
    withSession,
    transaction: (work) =>
      withSession(async (session) => {
        await session.exec('begin');
        try {
          const result = await work(session);
          await session.exec('commit');
          return result;
        } catch (error) {
          await session.exec('rollback').catch(() => undefined);
          throw error;
        }
      }),
    close: () => pool.end(),
  };
}
