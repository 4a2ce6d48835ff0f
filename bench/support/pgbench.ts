import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startCpuMeter } from './cpuAccounting.ts';

const execFileAsync = promisify(execFile);

export interface PgbenchResult {
  transactionsPerSecond: number;
  latencyAverageMilliseconds: number;
  transactions: number;
  /** CPU seconds of PostgreSQL and of pgbench itself during the run. */
  cpuSeconds: { postgres: number; pgbench: number };
}

/** Whether `pgbench` is on PATH. */
export function pgbenchAvailable(): boolean {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `pgbench -i -s 1`: the standard tables (100,000 accounts), in the database of `url`. */
export function initializePgbench(url: string): void {
  execFileSync('pgbench', ['-i', '-q', '-s', '1', url], { stdio: 'ignore' });
}

/**
 * One timed pgbench run: `-N` (simple update: the database's write limit, one commit per
 * transaction) or `-S` (select only: its read limit). `-j 2`: one thread per core of this machine.
 */
export async function runPgbench(options: { url: string; script: '-N' | '-S'; clients: number; seconds: number }): Promise<PgbenchResult> {
  const meter = startCpuMeter();
  const { stdout } = await execFileAsync(
    'pgbench',
    [options.script, '-n', '-c', String(options.clients), '-j', String(Math.min(2, options.clients)), '-T', String(options.seconds), options.url],
    { encoding: 'utf8' },
  );
  const cpu = meter.stop();
  const cpuSeconds = { postgres: cpu.postgres, pgbench: cpu.children };
  const tps = /tps = ([\d.]+)/.exec(stdout);
  const latency = /latency average = ([\d.]+) ms/.exec(stdout);
  const processed = /number of transactions actually processed: (\d+)/.exec(stdout);
  if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return {
    transactionsPerSecond: Number(tps[1]),
    latencyAverageMilliseconds: latency ? Number(latency[1]) : Number.NaN,
    transactions: processed ? Number(processed[1]) : 0,
    cpuSeconds,
  };
}
