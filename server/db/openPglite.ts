import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';

/**
 * Opens the embedded database. PGlite runs PostgreSQL in this process with exactly one connection,
 * so this adapter serializes every caller through one queue: a plain query waits while a session or
 * transaction holds the connection. A lock file refuses a data directory that another live process
 * has open, because two PGlite instances writing one directory corrupt it.
 *
 * `directory: null` gives an in-memory database (tests).
 */
export async function openPglite(options: { directory: string | null }): Promise<SqlDatabase> {
  const releaseLock = options.directory === null ? () => {} : acquireDirectoryLock(options.directory);
  let database: PGlite;
  try {
    database = await PGlite.create(options.directory === null ? undefined : { dataDir: options.directory });
  } catch (error) {
    releaseLock();
    throw error;
  }
  let queueTail: Promise<unknown> = Promise.resolve();
  const enqueue = <Result>(work: () => Promise<Result>): Promise<Result> => {
    const result = queueTail.then(work, work);
    queueTail = result.catch(() => undefined);
    return result;
  };
  const executorOf = (handle: PGlite | Transaction): SqlExecutor => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await handle.query<Row>(sql, params);
      return result.rows;
    },
    async exec(sql: string) {
      await handle.exec(sql);
    },
  });
  const direct = executorOf(database);
  return {
    kind: 'pglite',
    query: (sql, params) => enqueue(() => direct.query(sql, params)),
    exec: (sql) => enqueue(() => direct.exec(sql)),
    withSession: (work) => enqueue(() => work(direct)),
    transaction: (work) => enqueue(() => database.transaction((transaction) => work(executorOf(transaction)))),
    async close() {
      await enqueue(async () => undefined);
      await database.close();
      releaseLock();
    },
  };
}

/** Takes `<directory>.lock` (beside the data, so PGlite never sees a foreign file), or throws. */
function acquireDirectoryLock(directory: string): () => void {
  fs.mkdirSync(path.dirname(directory), { recursive: true });
  const lockPath = `${directory}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const descriptor = fs.openSync(lockPath, 'wx');
      fs.writeSync(descriptor, String(process.pid));
      fs.closeSync(descriptor);
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${directory} is open in another process (pid ${holder}). ` +
            'Stop that process, or point DATA_DIR elsewhere, or set DATABASE_URL to share a PostgreSQL server.',
        );
      }
      // The holder is gone (a crash or SIGKILL): the lock is stale and safe to take over.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
