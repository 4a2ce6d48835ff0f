import fs from 'node:fs';
import { fork } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../server/config.ts';
import { openStorage } from '../server/db/openStorage.ts';
import type { Storage } from '../server/db/storage.ts';
import { createLogger } from '../server/log.ts';
import { createWebhooks } from '../server/webhooks/createWebhooks.ts';
import { claimBatchSize, createWebhookWorker } from '../server/webhooks/createWebhookWorker.ts';
import { benchServerUrl, createScratchDatabase } from './support/benchDatabase.ts';
import { startCpuMeter, type CpuSnapshot } from './support/cpuAccounting.ts';
import { initializePgbench, pgbenchAvailable, runPgbench } from './support/pgbench.ts';
import { percentile } from './support/statistics.ts';

/**
 * `npx tsx bench/webhookOutbox.ts [--short]`: what the outbox costs and how fast it tells the app,
 * on PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server).
 *
 *  (a) credit movements per second (`grant_credits` from `connections` concurrent callers) with the
 *      outbox off (the endpoint disabled: each movement still writes its event row, nothing to
 *      deliver) and on (the endpoint enabled, so a delivery row per event, and the worker delivering
 *      meanwhile), alternating for `rounds` rounds of `seconds` each, medians reported; then once
 *      with delivery rows but the worker stopped, and the worker alone draining those;
 *  (b) during the "on" runs: the time from a movement's commit (its call resolving) to the first
 *      delivery attempt reaching the receiver, p50 and p95, at the worker's idle poll
 *      (`--interval-ms`, by default production's WEBHOOK_WORKER_INTERVAL_MS);
 *  (c) beside them, from the same run: `pgbench -N -c 8` (the database's write limit), and the CPU
 *      each process spent per movement (this Node process: callers and worker; every PostgreSQL
 *      process of the server, so other load on it counts too). The receiver runs in a child process.
 * Prints a table and writes bench/results/webhook-outbox.json.
 */
const short = process.argv.includes('--short');
const intervalIndex = process.argv.indexOf('--interval-ms');
const intervalMilliseconds = intervalIndex > 0 ? Number(process.argv[intervalIndex + 1]) : loadConfig({}).webhooks.workerIntervalMilliseconds;
/** Seconds of each phase, and rounds of (outbox off, outbox on); the figures are medians over the rounds. */
const seconds = short ? 2 : 5;
const rounds = short ? 1 : 3;
const connections = 8;
const users = 200;

interface MovementRun {
  perSecond: number;
  /** CPU milliseconds per movement, by process. */
  cpuPerMovementMilliseconds: { node: number; postgres: number };
}

function medianRun(runs: MovementRun[]): MovementRun {
  const median = (values: number[]) => percentile(values, 0.5);
  return {
    perSecond: median(runs.map((run) => run.perSecond)),
    cpuPerMovementMilliseconds: {
      node: median(runs.map((run) => run.cpuPerMovementMilliseconds.node)),
      postgres: median(runs.map((run) => run.cpuPerMovementMilliseconds.postgres)),
    },
  };
}

async function runMovements(storage: Storage, label: string, onCommitted: (entryId: string) => void): Promise<MovementRun> {
  const meter = startCpuMeter();
  const deadline = Date.now() + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      for (let index = 0; Date.now() < deadline; index++) {
        const entry = await storage.call<{ id: string }>('grant_credits', {
          p_user_id: `user_Bench${(worker * 7919 + index) % users}`,
          p_credits: 1,
          p_kind: 'adjustment',
          p_reason: label,
          p_actor: 'system',
          p_idempotency_key: `${label}:${worker}:${index}`,
        });
        onCommitted(entry.id);
        count += 1;
      }
    }),
  );
  const cpu: CpuSnapshot = meter.stop();
  return { perSecond: count / seconds, cpuPerMovementMilliseconds: { node: (cpu.loadGenerator * 1000) / count, postgres: (cpu.postgres * 1000) / count } };
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(benchServerUrl(), 'topup_bench_outbox');
  const storage = await openStorage({ database: { kind: 'postgres', connectionString: scratch.url, poolSizeMax: 12, statementTimeoutMilliseconds: 15000 } });
  const sink = fork(path.join(import.meta.dirname, 'support', 'webhookSink.ts'), { execArgv: ['--import', 'tsx'] });
  const sinkPort = await new Promise<number>((resolve) => sink.once('message', (message) => resolve((message as { port: number }).port)));
  const firstAttempts = async () =>
    new Map(await new Promise<[string, number][]>((resolve) => {
      sink.once('message', (message) => resolve((message as { firstAttemptAt: [string, number][] }).firstAttemptAt));
      sink.send('report');
    }));
  try {
    for (let index = 0; index < users; index++) await storage.call('ensure_user', { p_user_id: `user_Bench${index}`, p_email: null });
    const pgbench = pgbenchAvailable() ? (initializePgbench(scratch.url), await runPgbench({ url: scratch.url, script: '-N', clients: connections, seconds })) : null;
    const webhooks = createWebhooks({ storage });
    const { endpoint } = await webhooks.createEndpoint({ url: `http://127.0.0.1:${sinkPort}/hooks` });
    const worker = createWebhookWorker({ storage, log: createLogger({ level: 'error' }), intervalMilliseconds, attemptTimeoutMilliseconds: 10_000 });
    const committedAt = new Map<string, number>();
    let firstAttemptAt = new Map<string, number>();
    const offRuns: MovementRun[] = [];
    const onRuns: MovementRun[] = [];
    // Off and on alternate (off-on, on-off, ...), so both meet the same noise of a shared machine.
    for (let round = 0; round < rounds; round++) {
      for (const phase of round % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
        if (phase === 'off') {
          await webhooks.updateEndpoint({ id: endpoint.id, enabled: false });
          offRuns.push(await runMovements(storage, `off${round}`, () => undefined));
          continue;
        }
        await webhooks.updateEndpoint({ id: endpoint.id, enabled: true });
        worker.start();
        onRuns.push(await runMovements(storage, `on${round}`, (entryId) => committedAt.set(entryId, performance.timeOrigin + performance.now())));
        // Everything delivered before the next phase, so an off phase never meets the worker's backlog.
        const drainDeadline = Date.now() + 60_000;
        firstAttemptAt = await firstAttempts();
        while ([...committedAt.keys()].some((id) => !firstAttemptAt.has(id)) && Date.now() < drainDeadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          firstAttemptAt = await firstAttempts();
        }
        await worker.stop();
      }
    }
    const off = medianRun(offRuns);
    const on = medianRun(onRuns);
    // The movements' own share: a delivery row per event, nothing delivering yet; then the worker alone.
    const queued = await runMovements(storage, 'queued', () => undefined);
    const drainStartedAt = performance.now();
    const drainMeter = startCpuMeter();
    let drained = 0;
    for (let count = await worker.runOnce(); count > 0; count = await worker.runOnce()) drained += count;
    const drainCpu = drainMeter.stop();
    const drainedPerSecond = (drained * 1000) / (performance.now() - drainStartedAt);
    const latencies = [...committedAt].map(([id, at]) => (firstAttemptAt.get(id) ?? Number.NaN) - at).filter(Number.isFinite);
    const round = (value: number) => Math.round(value * 100) / 100;
    const result = {
      short,
      connections,
      seconds,
      rounds,
      movementsPerSecondOffRuns: offRuns.map((run) => Math.round(run.perSecond)),
      movementsPerSecondOnRuns: onRuns.map((run) => Math.round(run.perSecond)),
      intervalMilliseconds,
      pgbenchSimpleUpdateTransactionsPerSecond: pgbench === null ? null : Math.round(pgbench.transactionsPerSecond),
      pgbenchCpuPerTransactionMilliseconds: pgbench === null ? null : { postgres: round((pgbench.cpuSeconds.postgres * 1000) / pgbench.transactions), pgbench: round((pgbench.cpuSeconds.pgbench * 1000) / pgbench.transactions) },
      movementsPerSecondOutboxOff: Math.round(off.perSecond),
      movementsPerSecondDeliveriesQueuedWorkerOff: Math.round(queued.perSecond),
      cpuPerMovementMillisecondsQueued: { node: round(queued.cpuPerMovementMilliseconds.node), postgres: round(queued.cpuPerMovementMilliseconds.postgres) },
      deliveriesPerSecondWorkerAlone: Math.round(drainedPerSecond),
      cpuPerDeliveryMillisecondsWorkerAlone: { node: round((drainCpu.loadGenerator * 1000) / drained), postgres: round((drainCpu.postgres * 1000) / drained) },
      movementsPerSecondOutboxOn: Math.round(on.perSecond),
      outboxOnSlowerPercent: Math.round((1 - on.perSecond / off.perSecond) * 1000) / 10,
      cpuPerMovementMillisecondsOff: { node: round(off.cpuPerMovementMilliseconds.node), postgres: round(off.cpuPerMovementMilliseconds.postgres) },
      cpuPerMovementMillisecondsOn: { node: round(on.cpuPerMovementMilliseconds.node), postgres: round(on.cpuPerMovementMilliseconds.postgres) },
      movementsOn: committedAt.size,
      delivered: latencies.length,
      commitToFirstAttemptMilliseconds: { p50: Math.round(percentile(latencies, 0.5)), p95: Math.round(percentile(latencies, 0.95)) },
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(table(result));
    fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(import.meta.dirname, 'results', 'webhook-outbox.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    sink.send('close');
    await storage.close();
    await scratch.drop();
  }
}

function table(result: {
  connections: number;
  movementsPerSecondOffRuns: number[];
  movementsPerSecondOnRuns: number[];
  intervalMilliseconds: number;
  pgbenchSimpleUpdateTransactionsPerSecond: number | null;
  pgbenchCpuPerTransactionMilliseconds: { postgres: number; pgbench: number } | null;
  movementsPerSecondOutboxOff: number;
  movementsPerSecondDeliveriesQueuedWorkerOff: number;
  cpuPerMovementMillisecondsQueued: { node: number; postgres: number };
  deliveriesPerSecondWorkerAlone: number;
  cpuPerDeliveryMillisecondsWorkerAlone: { node: number; postgres: number };
  movementsPerSecondOutboxOn: number;
  outboxOnSlowerPercent: number;
  cpuPerMovementMillisecondsOff: { node: number; postgres: number };
  cpuPerMovementMillisecondsOn: { node: number; postgres: number };
  movementsOn: number;
  delivered: number;
  commitToFirstAttemptMilliseconds: { p50: number; p95: number };
}): string {
  const pgbench = result.pgbenchSimpleUpdateTransactionsPerSecond;
  const share = (perSecond: number) => (pgbench === null ? '' : `${Math.round((perSecond / pgbench) * 100)}%`);
  const cpu = (value: { node: number; postgres: number }) => `${value.node} ms Node, ${value.postgres} ms PostgreSQL`;
  return [
    `| measure (c=${result.connections}) | per second | of pgbench -N | CPU per movement |`,
    '|---|---:|---:|---|',
    `| pgbench -N | ${pgbench ?? 'skipped'} |  | ${result.pgbenchCpuPerTransactionMilliseconds ? `${result.pgbenchCpuPerTransactionMilliseconds.postgres} ms PostgreSQL, ${result.pgbenchCpuPerTransactionMilliseconds.pgbench} ms pgbench` : ''} |`,
    `| grant_credits, outbox off (median of ${result.movementsPerSecondOffRuns.join(', ')}) | ${result.movementsPerSecondOutboxOff} | ${share(result.movementsPerSecondOutboxOff)} | ${cpu(result.cpuPerMovementMillisecondsOff)} |`,
    `| grant_credits, endpoint on, worker off (delivery rows only) | ${result.movementsPerSecondDeliveriesQueuedWorkerOff} | ${share(result.movementsPerSecondDeliveriesQueuedWorkerOff)} | ${cpu(result.cpuPerMovementMillisecondsQueued)} |`,
    `| worker alone, draining those (runOnce batches of ${claimBatchSize}) | ${result.deliveriesPerSecondWorkerAlone} deliveries |  | per delivery: ${cpu(result.cpuPerDeliveryMillisecondsWorkerAlone)} |`,
    `| grant_credits, outbox on, worker delivering (median of ${result.movementsPerSecondOnRuns.join(', ')}) | ${result.movementsPerSecondOutboxOn} (${result.outboxOnSlowerPercent}% slower) | ${share(result.movementsPerSecondOutboxOn)} | ${cpu(result.cpuPerMovementMillisecondsOn)} |`,
    `| commit to first attempt, idle poll ${result.intervalMilliseconds} ms | p50 ${result.commitToFirstAttemptMilliseconds.p50} ms, p95 ${result.commitToFirstAttemptMilliseconds.p95} ms (${result.delivered}/${result.movementsOn} delivered) |  |  |`,
  ].join('\n');
}

await main();
