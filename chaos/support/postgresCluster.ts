import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/topup_chaos */
  url: string;
  port: number;
  /**
   * `pg_ctl restart -m immediate`: every backend dies at once, then crash recovery, like a power cut.
   * Asynchronous, so the caller's traffic keeps flowing (and failing) while PostgreSQL is down.
   */
  restart(): Promise<void>;
  /** Stops the server (immediate) and deletes its folder; safe to call twice, and from an exit handler. */
  destroy(): void;
}

/** Where the PostgreSQL binaries are: PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinaries(): string | null {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb'))) return bin;
  }
  return null;
}

/**
 * A PostgreSQL cluster of its own: `initdb` into a temporary folder, started on `port` on 127.0.0.1
 * only, trust authentication, one database `topup_chaos`. Restarting or killing it disturbs nothing
 * else on the machine. PostgreSQL refuses to run as root, so as root every command runs as the
 * `postgres` user (`runuser`), and the folder belongs to that user.
 */
export function createPostgresCluster(options: { port: number; binaries: string }): PostgresCluster {
  const asRoot = process.getuid?.() === 0;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-chaos-pg-'));
  const dataDirectory = path.join(directory, 'data');
  const logFile = path.join(directory, 'postgres.log');
  if (asRoot) {
    fs.chmodSync(directory, 0o755);
    execFileSync('chown', ['postgres:postgres', directory]);
  }
  const run = (program: string, args: string[]) => {
    const command = asRoot ? 'runuser' : path.join(options.binaries, program);
    const commandArgs = asRoot ? ['-u', 'postgres', '--', path.join(options.binaries, program), ...args] : args;
    const result = spawnSync(command, commandArgs, { encoding: 'utf8', cwd: directory, timeout: 120_000 });
    if (result.status !== 0) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${program} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}${result.stdout}\n${log}`);
    }
    return result.stdout;
  };
  const serverOptions = [
    `-p ${options.port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${directory}'`,
    '-c max_connections=100',
    '-c shared_buffers=64MB',
    '-c fsync=on',
    '-c synchronous_commit=on',
  ].join(' ');
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    try {
      if (fs.existsSync(path.join(dataDirectory, 'postmaster.pid'))) run('pg_ctl', ['-D', dataDirectory, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already stopped, or never started: the folder goes anyway.
    }
    fs.rmSync(directory, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', dataDirectory, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    run('pg_ctl', ['-D', dataDirectory, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start']);
    run('psql', ['-h', '127.0.0.1', '-p', String(options.port), '-U', 'postgres', '-d', 'postgres', '-qc', 'create database topup_chaos']);
  } catch (error) {
    destroy();
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${options.port}/topup_chaos`,
    port: options.port,
    restart: () =>
      new Promise<void>((resolve, reject) => {
        const args = ['-D', dataDirectory, '-m', 'immediate', '-w', '-t', '60', 'restart', '-o', serverOptions, '-l', logFile];
        const program = path.join(options.binaries, 'pg_ctl');
        execFile(asRoot ? 'runuser' : program, asRoot ? ['-u', 'postgres', '--', program, ...args] : args, { cwd: directory, timeout: 90_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`pg_ctl restart failed: ${stderr}${stdout}`)) : resolve(),
        );
      }),
    destroy,
  };
}
