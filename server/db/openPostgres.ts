import pg from 'pg';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';
import { timedStatementText } from './timedStatementText.ts';

/**
 * Opens a pool to any PostgreSQL, directly or through a transaction-mode pooler (PgBouncer,
 * Supabase's Supavisor on port 6543): no named prepared statements are used, and no session state is
 * set, since a pooler hands the server connection to another client after each transaction.
 *
 * The statement timeout (so a stuck query cannot hold a pool slot forever) is therefore not a startup
 * parameter, which PgBouncer refuses ("unsupported startup parameter: statement_timeout", the
 * connection fails) or, told to ignore it, drops; nor a `SET`, which would stay on the server
 * connection for whichever client gets it next. It is a `set local`, which ends with its
 * transaction. A single query (every `Storage.call`) sends it in the same simple-protocol message,
 * `set local statement_timeout = N; select ...` (timedStatementText.ts): one round trip. A query
 * that cannot be written so, and every transaction, runs inside `begin; set local
 * statement_timeout = ...` and `commit` (two more round trips). `withSession` alone runs without it.
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
  /**
   * A checked-out client for `work`, released afterwards: dropped instead of reused when `work` called
   * `drop` or the connection reported an error. A checked-out client has no 'error' listener of the
   * pool's: a connection lost between two statements (a database restart) would otherwise crash the
   * process.
   */
  const withClient = async <Result>(work: (client: pg.PoolClient, drop: () => void) => Promise<Result>): Promise<Result> => {
    const client = await pool.connect();
    let broken = false;
    const drop = () => {
      broken = true;
    };
    client.on('error', drop);
    try {
      return await work(client, drop);
    } finally {
      client.off('error', drop);
      client.release(broken);
    }
  };
  const withSession = <Result>(work: (session: SqlExecutor) => Promise<Result>): Promise<Result> =>
    withClient(async (client, drop) => {
      try {
        return await work(executorOf(client));
      } catch (error) {
        // A client whose work failed may hold session state (locks, an aborted transaction): drop it.
        drop();
        throw error;
      }
    });
  if (!Number.isSafeInteger(options.statementTimeoutMilliseconds) || options.statementTimeoutMilliseconds < 0) {
    throw new Error(`statementTimeoutMilliseconds must be a non-negative integer, not ${options.statementTimeoutMilliseconds}`);
  }
  // One simple-protocol round trip; the value is an integer checked above, safe to splice.
  const begin = `begin; set local statement_timeout = ${options.statementTimeoutMilliseconds}`;
  const transaction: SqlDatabase['transaction'] = (work) =>
    withClient(async (client, drop) => {
      const session = executorOf(client);
      try {
        await session.exec(begin);
        const result = await work(session);
        await session.exec('commit');
        return result;
      } catch (error) {
        // An operating error (insufficient credits, a duplicate) rolls back cleanly and the connection
        // is reused; only one that cannot even roll back is dropped.
        await session.exec('rollback').catch(drop);
        throw error;
      }
    });
  // One round trip; the rows are the last statement's. A statement's error (insufficient credits, a
  // timeout) leaves the connection idle and clean, its message's implicit transaction rolled back, so
  // it is reused; a connection that broke or was ended by the server (FATAL) is dropped.
  const query: SqlDatabase['query'] = async <Row>(sql: string, params: unknown[] = []) => {
    const text = timedStatementText({ sql, params, statementTimeoutMilliseconds: options.statementTimeoutMilliseconds });
    if (text === null) return transaction((session) => session.query<Row>(sql, params));
    return withClient(async (client, drop) => {
      try {
        const results: pg.QueryResult | pg.QueryResult[] = await client.query(text);
        const last = Array.isArray(results) ? results[results.length - 1]! : results;
        return last.rows as Row[];
      } catch (error) {
        if (!(error instanceof pg.DatabaseError) || error.severity === 'FATAL' || error.severity === 'PANIC') drop();
        throw error;
      }
    });
  };
  return {
    kind: 'postgres',
    query,
    exec: (sql) => transaction((session) => session.exec(sql)),
    withSession,
    transaction,
    close: () => pool.end(),
  };
}
