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

/**
 * Takes `<directory>.lock` (beside the data, so PGlite never sees a foreign file), or throws. The
 * lock names its holder by pid, the process's start time and the machine's boot id (Linux's
 * `/proc`), so a lock left by a crash is recognized as stale even when, after a restart, an
 * unrelated process (in a container: often the same low pid) has taken the old pid.
 */
function acquireDirectoryLock(directory: string): () => void {
  fs.mkdirSync(path.dirname(directory), { recursive: true });
  const lockPath = `${directory}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const descriptor = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(descriptor, JSON.stringify(processIdentity(process.pid)));
      fs.closeSync(descriptor);
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = parseLockHolder(fs.readFileSync(lockPath, 'utf8'));
      if (holder !== null && holder.pid !== process.pid && isHolderAlive(holder)) {
        throw new Error(
          `The embedded database in ${directory} is open in another process (pid ${holder.pid}). ` +
            'Stop that process, or point DATA_DIR elsewhere, or set DATABASE_URL to share a PostgreSQL server.',
        );
      }
      // The holder is gone (a crash or SIGKILL, or a reboot): the lock is stale and safe to take over.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

/** Who holds a lock: the pid, and where `/proc` tells them, when that process started and on which boot. */
export interface LockHolder {
  pid: number;
  startTime: string | null;
  bootId: string | null;
}

export function processIdentity(pid: number): LockHolder {
  return { pid, startTime: processStartTime(pid), bootId: readText('/proc/sys/kernel/random/boot_id') };
}

/** A lock file's holder; the first format held only the pid. */
function parseLockHolder(text: string): LockHolder | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), startTime: null, bootId: null };
  try {
    const parsed = JSON.parse(trimmed) as Partial<LockHolder>;
    if (!Number.isInteger(parsed.pid) || (parsed.pid ?? 0) <= 0) return null;
    return { pid: parsed.pid!, startTime: parsed.startTime ?? null, bootId: parsed.bootId ?? null };
  } catch {
    return null;
  }
}

/** Alive means: that pid runs, and (where known) it is the same process, started at the same time on this boot. */
export function isHolderAlive(holder: LockHolder): boolean {
  if (!isAlive(holder.pid)) return false;
  const current = processIdentity(holder.pid);
  if (holder.bootId !== null && current.bootId !== null && holder.bootId !== current.bootId) return false;
  if (holder.startTime !== null && current.startTime !== null && holder.startTime !== current.startTime) return false;
  return true;
}

/** Field 22 of `/proc/<pid>/stat` (clock ticks since boot); null where there is no `/proc`. */
function processStartTime(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may contain spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

function readText(filePath: string): string | null {
  try {
    return fs.readFileSync(filePath, 'utf8').trim();
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
