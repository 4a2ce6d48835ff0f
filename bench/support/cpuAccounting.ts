import fs from 'node:fs';

export interface CpuSnapshot {
  /** The server process under test (0 when there is none). */
  server: number;
  /**
   * The backends of the database named by `countPostgresBackendsOf` (the bench's scratch database),
   * else every `postgres` process: backends, WAL writer, checkpointer.
   */
  postgres: number;
  /** This process (autocannon runs in it). */
  loadGenerator: number;
  /** This process's children that exited during the window (pgbench). */
  children: number;
}

export interface CpuMeter {
  /** CPU seconds used since the meter started, by process kind. */
  stop(): CpuSnapshot;
}

const ticksPerSecond = 100;
let backendsOfDatabase: string | null = null;

/**
 * From now on, PostgreSQL's CPU is that of the backends connected to `database` only (each
 * backend's process title names its database): other work on a shared server (another suite's
 * tests, another bench) and the server's shared processes no longer count. The bench's own writes
 * are flushed by its backends (synchronous commit), so what the WAL writer does for them is small.
 */
export function countPostgresBackendsOf(database: string | null): void {
  backendsOfDatabase = database;
}

const sampleIntervalMilliseconds = 250;

/**
 * Measures where CPU went during a window, from /proc (Linux; elsewhere every figure is 0).
 * PostgreSQL backends come and go (pgbench's exit with it), so every `postgres` process is sampled
 * every 250 ms and its last reading kept: a backend that exits loses at most its last 250 ms.
 * Divided by the requests served in the window, this says what one request costs each process.
 */
export function startCpuMeter(options: { serverPid?: number } = {}): CpuMeter {
  const serverBefore = options.serverPid === undefined ? 0 : processCpuSeconds(options.serverPid);
  const selfBefore = selfCpuSeconds();
  const childrenBefore = childrenCpuSeconds();
  const postgresBefore = postgresCpuByPid();
  const postgresLast = new Map(postgresBefore);
  const sample = () => {
    for (const [pid, seconds] of postgresCpuByPid()) postgresLast.set(pid, seconds);
  };
  const timer = setInterval(sample, sampleIntervalMilliseconds);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      let postgres = 0;
      for (const [pid, seconds] of postgresLast) postgres += seconds - (postgresBefore.get(pid) ?? 0);
      return {
        server: options.serverPid === undefined ? 0 : processCpuSeconds(options.serverPid) - serverBefore,
        postgres,
        loadGenerator: selfCpuSeconds() - selfBefore,
        children: childrenCpuSeconds() - childrenBefore,
      };
    },
  };
}

function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** utime + stime of one process, or 0 when it is gone. */
function processCpuSeconds(pid: number): number {
  const fields = statFields(`/proc/${pid}/stat`);
  return fields ? (Number(fields[11]) + Number(fields[12])) / ticksPerSecond : 0;
}

/** cutime + cstime of this process: its children that exited and were waited for. */
function childrenCpuSeconds(): number {
  const fields = statFields('/proc/self/stat');
  return fields ? (Number(fields[13]) + Number(fields[14])) / ticksPerSecond : 0;
}

/** The fields after the command name (which is in parentheses and may contain spaces). */
function statFields(file: string): string[] | null {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function postgresCpuByPid(): Map<number, number> {
  const result = new Map<number, number>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return result;
  }
  for (const pid of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (command !== 'postgres' && !command.startsWith('postgres:')) continue;
      if (backendsOfDatabase !== null && databaseOfBackend(pid) !== backendsOfDatabase) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      result.set(Number(pid), (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // The process ended while we looked.
    }
  }
  return result;
}

/**
 * The database in a backend's process title, "postgres: [<cluster name>: ]<user> <database>
 * <host>(<port>) <activity>" (Debian sets cluster_name, e.g. "15/main"); null for other processes.
 */
function databaseOfBackend(pid: string): string | null {
  const fields = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]+/);
  if (fields[0] !== 'postgres:') return null;
  const rest = fields[1]?.endsWith(':') ? fields.slice(2) : fields.slice(1);
  return rest[1] ?? null;
}
