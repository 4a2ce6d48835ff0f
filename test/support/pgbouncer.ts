import { vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../bench/support/freePort.ts';

/** Where Debian puts it; CI adds /usr/sbin to PATH, a developer's shell may not. */
export function pgbouncerBinary(): string | null {
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) if (fs.existsSync(candidate)) return candidate;
  return null;
}

/**
 * Starts PgBouncer in transaction mode in front of `serverUrl`'s database, with a small pool so several
 * clients share each server connection. It refuses to run as root, so as root it runs as `postgres`
 * (`runuser`); its files live in a temporary directory readable by that user and it logs to stderr
 * (kept for the error message), so it needs to write nothing. Returns the URL clients use.
 */
export async function startPgbouncer(options: { serverUrl: string; poolSize: number }): Promise<{
  url: string;
  log(): string;
  stop(): Promise<void>;
}> {
  const binary = pgbouncerBinary();
  if (binary === null) throw new Error('pgbouncer is not installed');
  const server = new URL(options.serverUrl);
  const database = server.pathname.slice(1);
  const port = await freePort();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-pgbouncer-'));
  fs.chmodSync(directory, 0o755);
  const authFile = path.join(directory, 'users.txt');
  fs.writeFileSync(authFile, '"postgres" ""\n', { mode: 0o644 });
  const configFile = path.join(directory, 'pgbouncer.ini');
  fs.writeFileSync(
    configFile,
    [
      '[databases]',
      `${database} = host=${server.hostname} port=${server.port || '5432'} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${authFile}`,
      'pool_mode = transaction',
      'max_client_conn = 100',
      `default_pool_size = ${options.poolSize}`,
      'min_pool_size = 0',
      'reserve_pool_size = 0',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', binary, configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, [configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://postgres@127.0.0.1:${port}/${database}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(directory, { recursive: true, force: true });
  };
  try {
    await waitUntilAccepting(url, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${output}`);
  }
  return { url, log: () => output, stop };
}

/** Waits (vi.waitFor, bounded: 10 s) until a query goes through; a pgbouncer that exited is reported as such. */
async function waitUntilAccepting(url: string, died: () => boolean): Promise<void> {
  await vi.waitFor(
    async () => {
      if (died()) throw new Error('pgbouncer exited');
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        await client.query('select 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { timeout: 10_000, interval: 50 },
  );
}
