import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryDirectory = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM (graceful: HTTP, sandbox, then the database close), SIGKILL after `graceMilliseconds`. */
  stop(graceMilliseconds?: number): Promise<void>;
  /** SIGKILL now, no cleanup in the child: what a crash or an OOM kill looks like. */
  kill(): Promise<void>;
  /** Resolves when the child has exited, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every child started here, so an exit handler can end them whatever happened to the caller. */
const liveChildren = new Set<ChildProcess>();

/** Kills (SIGKILL) every child still alive; for exit and signal handlers. Synchronous on purpose. */
export function killAllServerProcesses(): void {
  for (const child of liveChildren) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Starts `node --import tsx server/main.ts` (what `npm start` runs, minus the console build) in its
 * own process, so the load generator and the server never share an event loop, and waits until
 * `GET /healthz` answers. Its stdout and stderr go to `logFile`.
 *
 * Errors: rejects if the child exits or is not healthy within `bootTimeoutMilliseconds`.
 */
export async function startServerProcess(options: {
  environment: Record<string, string>;
  port: number;
  logFile: string;
  bootTimeoutMilliseconds?: number;
  nodeArguments?: string[];
  /** Modules to `--import` after tsx (so they may be TypeScript), e.g. the soak's memory reporter. */
  importModules?: string[];
}): Promise<ServerProcess> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const environment: Record<string, string> = {};
  // Only what a server needs from the machine; never the caller's DATABASE_URL, Stripe or Clerk keys.
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    if (process.env[name] !== undefined) environment[name] = process.env[name]!;
  }
  Object.assign(environment, { PORT: String(options.port), ...options.environment });
  const child = spawn(process.execPath, [...(options.nodeArguments ?? []), '--import', 'tsx', ...(options.importModules ?? []).flatMap((module) => ['--import', module]), 'server/main.ts'], {
    cwd: repositoryDirectory,
    env: environment,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  liveChildren.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.bootTimeoutMilliseconds ?? 90_000);
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  while (true) {
    if (exitedEarly) throw new Error(`server on port ${options.port} exited while booting; see ${options.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server on port ${options.port} was not healthy in time; see ${options.logFile}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: options.port,
    pid: child.pid!,
    exited,
    async stop(graceMilliseconds = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMilliseconds);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
