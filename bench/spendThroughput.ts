import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { SqlDatabase } from '../server/db/sqlDatabase.ts';
import { startCpuMeter, type CpuSnapshot } from './support/cpuAccounting.ts';
import { postLoad } from './support/postLoad.ts';
import type { PgbenchResult } from './support/pgbench.ts';
import { repositoryDirectory } from './support/serverProcess.ts';

const execFileAsync = promisify(execFile);

/** The service key the bench's server accepts for `spendCredits` and `spendCreditsBatch` (SERVICE_API_KEYS). */
export const benchServiceKey = 'svc_bench_0123456789abcdefghijklmnopqrstuvwxyz';

/** Credits each seeded user holds: more than any run can spend, so every spend succeeds. */
const creditsEach = 100_000_000;

export interface SpendLoadResult {
  seconds: number;
  spendsPerSecond: number;
  latencyP50Milliseconds: number;
  latencyP99Milliseconds: number;
  /** Spends (items, for a batch) the server answered with an entry. */
  spends: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** GraphQL answers with an error, or batch items with one. */
  refused: number;
  cpuSeconds: CpuSnapshot;
}

/**
 * `count` users named `<prefix><n>`, each with one never-expiring lot of `creditsEach` and, with
 * `promotionalLots`, that many more live PROMOTION lots expiring on later days (large enough that
 * no run empties them: every spend searches and draws among them), granted through the same SQL
 * functions the server uses.
 */
export async function seedSpendUsers(database: SqlDatabase, options: { prefix: string; count: number; promotionalLots?: number }): Promise<string[]> {
  const lots = options.promotionalLots ?? 0;
  await database.query(
    `select ensure_user(p_user_id => $1 || n), grant_credits(p_user_id => $1 || n, p_credits => $2, p_kind => 'adjustment',
            p_reason => 'bench seed', p_actor => 'system', p_idempotency_key => 'bench-seed:' || $1 || n)
     from generate_series(0, $3 - 1) as n`,
    [options.prefix, creditsEach, options.count],
  );
  if (lots > 0) {
    await database.query(
      `select grant_promotional_credits(p_user_id => $1 || n, p_credits => $4, p_reason => 'bench lot', p_expires_at => now() + make_interval(days => 1 + l),
              p_actor => 'bench', p_idempotency_key => 'bench-lot:' || $1 || n || ':' || l)
       from generate_series(0, $2 - 1) as n, generate_series(0, $3 - 1) as l`,
      [options.prefix, options.count, lots, creditsEach],
    );
  }
  await database.exec('analyze');
  return Array.from({ length: options.count }, (_, index) => `${options.prefix}${index}`);
}

const spendMutation = 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id balanceAfter } }';
const batchMutation = 'mutation ($input: SpendCreditsBatchInput!) { spendCreditsBatch(input: $input) { idempotencyKey entry { id } error { code } } }';

/**
 * `spendCredits` over GraphQL with the service key, one credit each, over `connections`
 * keep-alive connections for `seconds`: each request for the next of `userIds` (one id: a hot user,
 * every spend waits for the one before it on that user's row lock). Every key is fresh.
 */
export async function runSpendLoad(options: { url: string; userIds: string[]; connections: number; seconds: number; serverPid: number; runId: string }): Promise<SpendLoadResult> {
  const meter = startCpuMeter({ serverPid: options.serverPid });
  let next = 0;
  let refused = 0;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${benchServiceKey}` };
  const { result, ...summary } = await postLoad({
    url: options.url,
    path: '/graphql',
    connections: options.connections,
    seconds: options.seconds,
    nextRequest: () => {
      next += 1;
      const userId = options.userIds[next % options.userIds.length]!;
      return { headers, body: JSON.stringify({ query: spendMutation, variables: { input: { userId, amount: 1, reason: 'bench', idempotencyKey: `${options.runId}:${next}` } } }) };
    },
    onResponseBody: (body) => {
      if (body.includes('"errors"')) refused += 1;
    },
  });
  const spends = result['2xx'] - refused;
  return { seconds: result.duration, spendsPerSecond: spends / result.duration, ...summary, spends, requests: result['2xx'], refused, cpuSeconds: meter.stop() };
}

/**
 * `spendCreditsBatch` of `itemsPerBatch` items (each for the next of `userIds`, one credit, a
 * fresh key) from `connections` callers, each sending its next batch when the last is answered,
 * for `seconds`. A batch takes seconds, so a timed load generator that drops the batches in
 * flight at the end would miss most of the work: every batch started is waited for, and spends
 * per second is items answered with an entry over the time until the last answer.
 */
export async function runBatchLoad(options: {
  url: string;
  userIds: string[];
  itemsPerBatch: number;
  connections: number;
  seconds: number;
  serverPid: number;
  runId: string;
}): Promise<SpendLoadResult> {
  const meter = startCpuMeter({ serverPid: options.serverPid });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${benchServiceKey}` };
  const started = performance.now();
  const stopAt = started + options.seconds * 1000;
  const latencies: number[] = [];
  let batch = 0;
  let spends = 0;
  let refused = 0;
  let non2xx = 0;
  let errors = 0;
  const caller = async () => {
    while (performance.now() < stopAt) {
      batch += 1;
      const items = Array.from({ length: options.itemsPerBatch }, (_, index) => ({
        userId: options.userIds[(batch * options.itemsPerBatch + index) % options.userIds.length]!,
        amount: 1,
        reason: 'bench batch',
        idempotencyKey: `${options.runId}:${batch}:${index}`,
      }));
      const sent = performance.now();
      try {
        const response = await fetch(`${options.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: batchMutation, variables: { input: { items } } }) });
        const body = (await response.json()) as { data?: { spendCreditsBatch: { entry: unknown; error: unknown }[] } };
        latencies.push(performance.now() - sent);
        if (!response.ok) non2xx += 1;
        const results = body.data?.spendCreditsBatch;
        if (!results) refused += options.itemsPerBatch;
        for (const item of results ?? []) {
          if (item.entry) spends += 1;
          else refused += 1;
        }
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, caller));
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    spendsPerSecond: spends / seconds,
    latencyP50Milliseconds: percentile(latencies, 0.5),
    latencyP99Milliseconds: percentile(latencies, 0.99),
    spends,
    requests: latencies.length,
    non2xx,
    errors,
    refused,
    cpuSeconds: meter.stop(),
  };
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** The SQL functions a spend runs that exist for lots and holds (their cost is what lots add). */
const lotFunctions = ['draw_from_lots', 'expire_due_lots', 'expired_unswept_credits', 'held_credits', 'add_lot'];

export interface SqlSpendCost {
  variant: string;
  /** `spend_credits` per call (track_functions total time), and the part of it inside the lot functions. */
  spendMillisecondsPerCall: number;
  lotMillisecondsPerCall: number;
  lotFunctionCalls: Record<string, { calls: number; totalMilliseconds: number }>;
  /** From `pgbench -f` calling `spend_credits` directly, one client: no HTTP, no Node. */
  transactionsPerSecond: number;
  latencyAverageMilliseconds: number;
  /** PostgreSQL CPU milliseconds per call (from /proc). */
  postgresCpuMilliseconds: number;
}

/**
 * A spend's cost inside PostgreSQL: `pgbench -f` runs `select spend_credits(...)` for a random user
 * of `userIds`' prefix, at one client so time per call is CPU plus commit. Beside it, the same
 * client count of `pgbench -N` (the database's own simple write) measures the floor.
 */
export async function measureSqlSpend(options: {
  url: string;
  database: SqlDatabase;
  prefix: string;
  count: number;
  seconds: number;
  variant: string;
  workDirectory: string;
}): Promise<SqlSpendCost> {
  const script = path.join(options.workDirectory, `spend-${options.variant.replace(/\W+/g, '-')}.sql`);
  fs.writeFileSync(
    script,
    [
      `\\set n random(0, ${options.count - 1})`,
      `select spend_credits(p_user_id => '${options.prefix}' || :n, p_amount => 1, p_reason => 'bench sql', p_actor => 'bench', p_idempotency_key => 'sql:' || :client_id || ':' || gen_random_uuid());`,
      '',
    ].join('\n'),
  );
  await options.database.query('select pg_stat_reset()');
  const meter = startCpuMeter();
  // track_functions for pgbench's session only: the time of every SQL function it calls.
  const { stdout } = await execFileAsync('pgbench', ['-n', '-f', script, '-c', '1', '-j', '1', '-T', String(options.seconds), options.url], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c track_functions=all' },
  });
  const cpu = meter.stop();
  const result = parsePgbench(stdout, cpu);
  const functions = await functionTimes(options.database, ['spend_credits', ...lotFunctions]);
  const spend = functions.spend_credits ?? { calls: 0, totalMilliseconds: 0 };
  const lotMilliseconds = lotFunctions.reduce((sum, name) => sum + (functions[name]?.totalMilliseconds ?? 0), 0);
  return {
    variant: options.variant,
    spendMillisecondsPerCall: spend.calls > 0 ? spend.totalMilliseconds / spend.calls : Number.NaN,
    lotMillisecondsPerCall: spend.calls > 0 ? lotMilliseconds / spend.calls : Number.NaN,
    lotFunctionCalls: functions,
    transactionsPerSecond: result.transactionsPerSecond,
    latencyAverageMilliseconds: result.latencyAverageMilliseconds,
    postgresCpuMilliseconds: result.transactions > 0 ? (result.cpuSeconds.postgres * 1000) / result.transactions : Number.NaN,
  };
}

function parsePgbench(stdout: string, cpu: CpuSnapshot): PgbenchResult {
  const tps = /tps = ([\d.]+)/.exec(stdout);
  const latency = /latency average = ([\d.]+) ms/.exec(stdout);
  const processed = /number of transactions actually processed: (\d+)/.exec(stdout);
  const failed = /number of failed transactions: (\d+)/.exec(stdout);
  if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
  if (failed && Number(failed[1]) > 0) throw new Error(`pgbench: ${failed[1]} spends failed:\n${stdout}`);
  return {
    transactionsPerSecond: Number(tps[1]),
    latencyAverageMilliseconds: latency ? Number(latency[1]) : Number.NaN,
    transactions: processed ? Number(processed[1]) : 0,
    cpuSeconds: { postgres: cpu.postgres, pgbench: cpu.children },
  };
}

/** pg_stat_user_functions for `names`, once pgbench's backend (which flushes its statistics on exit) has reported. */
async function functionTimes(database: SqlDatabase, names: string[]): Promise<Record<string, { calls: number; totalMilliseconds: number }>> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const rows = await database.query<{ name: string; calls: string; total_ms: string }>(
      `select funcname as name, sum(calls)::text as calls, sum(total_time)::text as total_ms
       from pg_stat_user_functions where funcname = any($1) group by funcname`,
      [names],
    );
    if (rows.some((row) => row.name === 'spend_credits' && Number(row.calls) > 0)) {
      return Object.fromEntries(rows.map((row) => [row.name, { calls: Number(row.calls), totalMilliseconds: Number(row.total_ms) }]));
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {};
}

/**
 * The commit before credit lots arrived: the parent of the commit that added
 * `server/db/schema/0014_credit_lots.sql`. Its `spend_credits` is "today's spend without lots"
 * (no lots, no holds, no outbox): what the lots' cost is measured against.
 */
export function preLotsCommit(): string {
  const added = execFileSync('git', ['log', '--diff-filter=A', '--format=%H', '--', 'server/db/schema/0014_credit_lots.sql'], { cwd: repositoryDirectory, encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1);
  if (!added) throw new Error('no commit adds server/db/schema/0014_credit_lots.sql');
  return execFileSync('git', ['rev-parse', `${added}^`], { cwd: repositoryDirectory, encoding: 'utf8' }).trim();
}

/**
 * Migrates `database` with the SQL and the `migrate.ts` of `commit`, taken with `git archive` into
 * `directory` (no worktree, nothing in the repository changes), so the same bench run can measure
 * an older spend next to today's.
 */
export async function migrateAtCommit(options: { database: SqlDatabase; commit: string; directory: string }): Promise<void> {
  fs.mkdirSync(options.directory, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', options.commit, 'server/db'], { cwd: repositoryDirectory, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', options.directory], { input: archive });
  const module = (await import(pathToFileURL(path.join(options.directory, 'server', 'db', 'migrate.ts')).href)) as { migrate(database: SqlDatabase): Promise<unknown> };
  await module.migrate(options.database);
}

export interface SpendBackendCpu {
  variant: string;
  /** CPU of the one PostgreSQL backend that ran the spends (its /proc utime + stime), per spend. */
  cpuMillisecondsPerSpend: number;
  spends: number;
}

/**
 * A spend's SQL CPU: `spends` calls of `select spend_credits(...)` (one credit, a fresh key, a
 * random user of `prefix`0..count-1), each its own transaction, on one connection, and the CPU
 * that connection's backend used, read from /proc before and after (commits not waiting for the
 * WAL flush: see below). Only that process is counted,
 * so other work on the machine (or on the same PostgreSQL server) does not enter the figure.
 */
export async function measureSpendBackendCpu(options: { url: string; prefix: string; count: number; spends: number; variant: string }): Promise<SpendBackendCpu> {
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    const [{ pid }] = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows as [{ pid: number }];
    // Each call still commits (its WAL is written), but does not wait for the flush: the figure is
    // CPU, and waiting for a disk shared with other work would only make the run long.
    await client.query('set synchronous_commit = off');
    const statement = `select spend_credits(p_user_id => $1, p_amount => 1, p_reason => 'bench sql', p_actor => 'bench', p_idempotency_key => $2)`;
    // Warm the backend's caches and plans first: the figure is a steady spend, not a session's first.
    for (let index = 0; index < 50; index += 1) await client.query(statement, [`${options.prefix}${index % options.count}`, `${options.variant}:warm:${index}:${Math.random()}`]);
    const before = processCpuMilliseconds(pid);
    for (let index = 0; index < options.spends; index += 1) {
      await client.query(statement, [`${options.prefix}${Math.floor(Math.random() * options.count)}`, `${options.variant}:${index}:${Math.random()}`]);
    }
    const used = processCpuMilliseconds(pid) - before;
    return { variant: options.variant, cpuMillisecondsPerSpend: used / options.spends, spends: options.spends };
  } finally {
    await client.end();
  }
}

function processCpuMilliseconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
