import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface Pgbouncer {
  /** postgres://postgres@127.0.0.1:<port>/<database>: what the instances connect to. */
  url: string;
  port: number;
  /** SIGKILLs it (synchronous, for exit handlers); safe to call twice. */
  kill(): void;
}

/** Debian's PgBouncer, or null when it is not installed (PATH may lack /usr/sbin). */
export function pgbouncerBinary(): string | null {
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) if (fs.existsSync(candidate)) return candidate;
  return null;
}

/**
 * PgBouncer in transaction pooling mode on `port` in front of `serverUrl`'s database (the run's own
 * cluster), its config in `directory` (the run's temporary folder), logging to `logFile`. Server
 * connections are fewer than the instances' pools together, so clients share them transaction by
 * transaction. As root it runs as `postgres` (it refuses root), like the cluster. Resolves once a
 * query goes through it (at most 15 s).
 */
export async function startPgbouncer(options: { serverUrl: string; port: number; directory: string; logFile: string; poolSize: number; binary: string }): Promise<Pgbouncer> {
  const server = new URL(options.serverUrl);
  const database = server.pathname.slice(1);
  fs.mkdirSync(options.directory, { recursive: true });
  fs.chmodSync(options.directory, 0o755);
  // The run's folder is private (0700): as root, let the postgres user through it (not list it) to this one.
  if (process.getuid?.() === 0) fs.chmodSync(path.dirname(options.directory), 0o711);
  const authFile = path.join(options.directory, 'users.txt');
  fs.writeFileSync(authFile, '"postgres" ""\n', { mode: 0o644 });
  const configFile = path.join(options.directory, 'pgbouncer.ini');
  fs.writeFileSync(
    configFile,
    [
      '[databases]',
      `${database} = host=${server.hostname} port=${server.port} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${options.port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${authFile}`,
      'pool_mode = transaction',
      'max_client_conn = 300',
      `default_pool_size = ${options.poolSize}`,
      'min_pool_size = 0',
      'reserve_pool_size = 0',
      // After PostgreSQL's restart the pool reconnects at once instead of waiting 15 s.
      'server_login_retry = 1',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', options.binary, configFile], { stdio: ['ignore', log, log] })
    : spawn(options.binary, [configFile], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const kill = () => {
    if (exited || child.pid === undefined) return;
    try {
      // runuser passes the signal on; SIGKILL to runuser alone would leave pgbouncer running, so its child is found by its config file.
      for (const pid of childPids(child.pid)) process.kill(pid, 'SIGKILL');
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const url = `postgres://postgres@127.0.0.1:${options.port}/${database}`;
  const until = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`pgbouncer exited at start; see ${options.logFile}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      break;
    } catch (error) {
      if (Date.now() > until) {
        kill();
        throw new Error(`pgbouncer did not accept a query in 15 s (${(error as Error).message}); see ${options.logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { url, port: options.port, kill };
}

/** The direct children of `pid` (from /proc), so the pgbouncer under runuser is killed by its own pid. */
function childPids(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
