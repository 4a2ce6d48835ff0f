import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openPglite } from '../server/db/openPglite.ts';
import { openPostgres } from '../server/db/openPostgres.ts';
import { migrate } from '../server/db/migrate.ts';
import type { SqlDatabase } from '../server/db/sqlDatabase.ts';
import { buildConsole, chromiumPath, consoleBuilt, measureInitialJavaScript, measureTimeToUsableBilling } from './consoleLoad.ts';
import { measureDeepPages, seedHistory, type PageLatency } from './deepPage.ts';
import { meTokens, runMeLoad, type MeLoadResult } from './meQuery.ts';
import {
  benchServiceKey,
  measureSpendBackendCpu,
  measureSqlSpend,
  migrateAtCommit,
  preLotsCommit,
  runBatchLoad,
  runSpendLoad,
  seedSpendUsers,
  type SpendBackendCpu,
  type SpendLoadResult,
  type SqlSpendCost,
} from './spendThroughput.ts';
import { benchServerUrl, createScratchDatabase, serverReachable } from './support/benchDatabase.ts';
import { freePort } from './support/freePort.ts';
import { devToken } from './support/graphqlClient.ts';
import { initializePgbench, pgbenchAvailable, runPgbench, type PgbenchResult } from './support/pgbench.ts';
import type { WebhookLoadResult } from './support/postWebhooks.ts';
import { signedCompletions } from './support/checkoutEvents.ts';
import { killAllServerProcesses, repositoryDirectory, startServerProcess, type ServerProcess } from './support/serverProcess.ts';
import { countPostgresBackendsOf, type CpuSnapshot } from './support/cpuAccounting.ts';
import { median } from './support/statistics.ts';
import { growHistoryTo, measureHistoryPaths, prepareLongHistory, recordHistoryPurchases, type HistorySizeResult } from './longHistory.ts';
import { consolePathsOf, runSoak, type SoakRates, type SoakResult, type Trend } from './soak.ts';
import {
  planWebhookRuns,
  recordPlannedPurchases,
  runWebhookLoad,
  verifyExactlyOnce,
  type ExactlyOnceReport,
  type WebhookRunPlan,
} from './webhookFulfillment.ts';

/**
 * `npm run bench [-- --short]`: Topup's speed next to this machine's limits, measured in the same run.
 *
 *  (a) signed `checkout.session.completed` webhooks for distinct purchases, ~20% duplicates, POSTed
 *      concurrently: events/s and p50/p99 next to `pgbench -N` on the same PostgreSQL server at the
 *      same concurrency, then exactly-once verified in SQL; and the same on PGlite;
 *  (b) authenticated `me { credits }`: requests/s and p99 next to `pgbench -S`;
 *  (c) `ledgerEntries` 20 rows deep in 1,000,000 rows of history vs the first page;
 *  (d) the console: gzipped initial JavaScript, and time to a usable billing page in Chromium;
 *  (e) spends: `spendCredits` across many users and for one hot user (spends/s, p99) and
 *      `spendCreditsBatch` of 1,000 items next to `pgbench -N`, and a spend's cost inside
 *      PostgreSQL with one lot and with many (`pgbench -f spend_credits`, track_functions), and a
 *      spend's SQL CPU (one backend's /proc CPU per call) now vs the commit before lots, whose
 *      `server/db` (`git archive`) migrates a second scratch database in the same run.
 *
 * The server runs in a child process (`node --import tsx server/main.ts`), so the load generator
 * (autocannon, in this process) never shares its event loop. Figures are medians of several runs,
 * each run of the server alternating with a run of its limit so both meet the same noise.
 * `--short` uses tiny sizes and proves only that everything works (CI). Writes bench/results/*.json.
 * BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test) names
 * the PostgreSQL server; BENCH_CPU_PROFILE=<folder> makes the servers write CPU profiles there;
 * BENCH_TRACK_FUNCTIONS=1 prints the time each SQL function took during the webhook and `me` runs.
 */
const short = process.argv.includes('--short');
/** `--only webhooks,me,spends,pages,console,pglite,soak`: a subset, for investigating one figure. */
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? new Set((process.argv[onlyIndex + 1] ?? '').split(',')) : null;
const enabled = (section: 'webhooks' | 'me' | 'spends' | 'pages' | 'console' | 'pglite') => only === null || only.has(section);
/**
 * Parts too long for the full run's time bound run only when named with `--only`; `--short` (CI)
 * runs their short form too, to prove they work.
 */
const optedIn = (section: 'soak' | 'history') => (only === null ? short : only.has(section));
/** `--soak-minutes N`: the soak's length (10 by default, half a minute with `--short`). */
const soakMinutes = numberArgument('--soak-minutes') ?? (short ? 0.5 : 10);
/** Requests per second of each kind during the soak: steady, well under what the server can take. */
/** `--history-rows SMALL,LARGE`: the ledger sizes the long-history part compares (100,000 and 10,000,000; --short 10,000 and 100,000). */
const historyRows = listArgument('--history-rows') ?? (short ? [10_000, 100_000] : [100_000, 10_000_000]);
// Checkouts: the server allows 30 a minute from one IP address (the bench is one), so 0.4/s stays under it.
const soakRates: SoakRates = { webhooks: 20, me: 40, spends: 20, pages: 10, checkouts: 0.4 };
const sizes = short
  ? { runs: 1, loadSeconds: 2, purchasesPerRun: 1500, pglitePurchasesPerRun: 800, historyEntries: 20_000, pageSamples: 10, consoleSamples: 2, spendSeconds: 2, sqlSpendUsers: 20, sqlSpendLots: 10, sqlSpendCalls: 200 }
  : { runs: 3, loadSeconds: 8, purchasesPerRun: 12_000, pglitePurchasesPerRun: 6000, historyEntries: 1_000_000, pageSamples: 60, consoleSamples: 5, spendSeconds: 3, sqlSpendUsers: 50, sqlSpendLots: 20, sqlSpendCalls: 2000 };
const connections = 8;
const warmUpSeconds = short ? 2 : 3;
const trackFunctions = process.env.BENCH_TRACK_FUNCTIONS === '1';
const duplicateShare = 0.2;
const benchUsers = 1000;
const webhookSecret = 'whsec_bench_0123456789abcdefghijklmnopqrstuv';
const startedAt = new Date();
const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-bench-'));
const logDirectory = path.join(workDirectory, 'logs');
const cleanups: (() => Promise<void>)[] = [];

interface Row {
  measure: string;
  value: string;
  limit: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const details: Record<string, unknown> = { short, sizes, connections, duplicateShare, cores: os.cpus().length, startedAt: startedAt.toISOString() };
const failures: string[] = [];

process.on('exit', killAllServerProcesses);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllServerProcesses();
    process.exit(130);
  });
}

// Generating 10,000,000 rows takes minutes on a busy 2-core machine: the long history gets its own
// allowance. The full run takes about 6 minutes on a quiet day and twice that on a slow one (the same
// machine kind varies); the bound stops a run that hangs, and still prints what it measured.
const boundMinutes = (short ? 4 : 12) + (optedIn('soak') ? soakMinutes + 2 : 0) + (optedIn('history') ? (short ? 2 : 60) : 0);
const timer = setTimeout(() => {
  failures.push(`bench: over the ${boundMinutes}-minute bound; stopped, the table holds what was measured until then`);
  killAllServerProcesses();
  const cleanupsLeft = Promise.allSettled(cleanups.reverse().map((cleanup) => cleanup()));
  void Promise.race([cleanupsLeft, new Promise((resolve) => setTimeout(resolve, 10_000))]).finally(() => {
    report();
    process.exit(1);
  });
}, boundMinutes * 60_000);
timer.unref();

try {
  step('console build');
  const consoleSection = enabled('console') ? await consoleBuildSection() : { built: false };
  if (enabled('webhooks') || enabled('me') || enabled('spends') || enabled('pages') || consoleSection.built) await postgresSection(consoleSection);
  if (enabled('pglite')) await pgliteSection();
  if (optedIn('history')) await historySection();
  if (optedIn('soak')) await soakSection();
} catch (error) {
  failures.push(`bench failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
  fs.rmSync(workDirectory, { recursive: true, force: true });
}
report();

// ---------------------------------------------------------------------------------------------

function step(name: string): void {
  console.log(`[${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${name}`);
}

async function consoleBuildSection(): Promise<{ built: boolean }> {
  if (!fs.existsSync(path.join(repositoryDirectory, 'console', 'index.html'))) {
    rows.push({ measure: 'console initial JS (gzip)', value: 'skipped: no console', limit: '', ratio: '', target: '' });
    return { built: false };
  }
  try {
    details.consoleBuildSeconds = buildConsole();
  } catch (error) {
    failures.push(`npm run build:console failed: ${(error as Error).message}`);
  }
  if (!consoleBuilt()) {
    rows.push({ measure: 'console initial JS (gzip)', value: 'skipped: build failed', limit: '', ratio: '', target: '' });
    return { built: false };
  }
  const initial = measureInitialJavaScript();
  details.consoleInitialJavaScript = initial;
  rows.push({
    measure: 'console initial JS, gzip -9 (raw)',
    value: `${(initial.gzipBytes / 1024).toFixed(1)} KiB (${(initial.bytes / 1024).toFixed(0)} KiB), ${initial.files.length} files`,
    limit: '',
    ratio: '',
    target: '',
  });
  return { built: true };
}

interface PostgresBench {
  server: ServerProcess;
  database: SqlDatabase;
  databaseUrl: string;
}

async function postgresSection(consoleSection: { built: boolean }): Promise<void> {
  const baseUrl = benchServerUrl();
  if (!(await serverReachable(baseUrl)) || !pgbenchAvailable()) {
    const why = pgbenchAvailable() ? `no PostgreSQL at ${redact(baseUrl)}` : 'pgbench not installed';
    rows.push({ measure: 'PostgreSQL figures', value: `skipped: ${why}`, limit: '', ratio: '', target: '' });
    return;
  }
  step('postgres: scratch database, migrations, pgbench tables');
  const scratch = await createScratchDatabase(baseUrl, 'topup_bench');
  cleanups.push(() => scratch.drop());
  // PostgreSQL's CPU per request: this database's backends only (the server may be shared).
  countPostgresBackendsOf(scratch.name);
  cleanups.push(async () => countPostgresBackendsOf(null));
  const database = await openPostgres({ connectionString: scratch.url, poolSizeMax: 4, statementTimeoutMilliseconds: 600_000 });
  cleanups.push(() => database.close());
  await migrate(database);
  initializePgbench(scratch.url);
  const plans = planWebhookRuns({ prefix: 'pg', runs: sizes.runs, purchasesPerRun: sizes.purchasesPerRun, userCount: benchUsers });
  const [warmUp] = planWebhookRuns({ prefix: 'pgwarm', runs: 1, purchasesPerRun: 3000, userCount: benchUsers });
  if (enabled('webhooks')) {
    step('postgres: recording the purchases');
    await recordPlannedPurchases(database, [warmUp!, ...plans]);
    // Only the tables the recording filled. ANALYZE of an empty table records it as empty, and the
    // server's connections then cache plans that scan it sequentially (PL/pgSQL keeps a generic plan)
    // and keep them as it grows, since nothing analyzes it again before the bench ends (the CI server
    // runs without autovacuum): PostgreSQL's CPU per webhook rose from run to run (2.2, 3.5, 3.6 ms).
    await database.exec('analyze users, credit_purchases');
  }
  step('postgres: server');
  // BENCH_TRACK_FUNCTIONS=1: the server's connections time every SQL function (pg_stat_user_functions),
  // and the bench prints where the database's time went in each section.
  const serverDatabaseUrl = trackFunctions ? `${scratch.url}?options=${encodeURIComponent('-c track_functions=all')}` : scratch.url;
  const server = await startServer({ DATABASE_URL: serverDatabaseUrl }, 'postgres');
  cleanups.push(() => server.stop());
  const bench: PostgresBench = { server, database, databaseUrl: scratch.url };
  if (enabled('webhooks')) await withFunctionTimes(bench, 'webhooks', () => webhookFigures(bench, warmUp!, plans));
  const tokens = await meTokens(server.url, 50);
  if (enabled('me')) await withFunctionTimes(bench, 'me', () => meFigures(bench, tokens));
  if (enabled('spends')) await spendFigures(bench);
  if (enabled('pages')) await pageFigures(bench);
  if (consoleSection.built) await consoleTimingFigure(bench, tokens[0]!);
  await server.stop();
}

/** Runs `work`; with BENCH_TRACK_FUNCTIONS, prints and keeps the SQL functions' times it caused. */
async function withFunctionTimes(bench: PostgresBench, section: string, work: () => Promise<void>): Promise<void> {
  if (!trackFunctions) return work();
  await bench.database.query('select pg_stat_reset()');
  await work();
  // Backends flush their function statistics when idle, at most every 10 seconds.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  const functions = await bench.database.query<{ name: string; calls: string; total_ms: string; self_ms: string; per_call_ms: string }>(
    `select funcname as name, calls::text, round(total_time::numeric, 1)::text as total_ms, round(self_time::numeric, 1)::text as self_ms,
            round((total_time / greatest(calls, 1))::numeric, 3)::text as per_call_ms
     from pg_stat_user_functions order by self_time desc limit 15`,
  );
  details[`functionTimes_${section}`] = functions;
  console.log(`SQL functions during ${section} (self time, highest first):`);
  for (const row of functions) console.log(`  ${row.name}: ${row.calls} calls, ${row.per_call_ms} ms per call, ${row.self_ms} ms self, ${row.total_ms} ms total`);
}

/** (a) Webhooks vs pgbench -N, after a warm-up (tsx compiles modules on first use, V8 optimizes). */
async function webhookFigures(bench: PostgresBench, warmUp: WebhookRunPlan, plans: WebhookRunPlan[]): Promise<void> {
  step('postgres: warm-up');
  const url = bench.server.url;
  const warmUpRun = await runWebhookLoad({ url, plan: warmUp, webhookSecret, connections, duplicateShare, seed: 999, seconds: warmUpSeconds, serverPid: bench.server.pid });
  const webhookRuns: WebhookLoadResult[] = [];
  const writeLimitRuns: PgbenchResult[] = [];
  for (const [index, plan] of plans.entries()) {
    step(`postgres: webhooks run ${index + 1}/${plans.length}, then pgbench -N`);
    webhookRuns.push(await runWebhookLoad({ url, plan, webhookSecret, connections, duplicateShare, seed: 1000 + index, seconds: sizes.loadSeconds, serverPid: bench.server.pid }));
    writeLimitRuns.push(await runPgbench({ url: bench.databaseUrl, script: '-N', clients: connections, seconds: sizes.loadSeconds }));
  }
  step('postgres: verifying exactly once');
  const exactlyOnce = await verifyExactlyOnce(bench.database, [warmUp, ...plans], [warmUpRun, ...webhookRuns].map((run) => run.acknowledged));
  recordWebhookRows('PostgreSQL 15', webhookRuns, exactlyOnce, writeLimitRuns);
}

/** (b) me vs pgbench -S, after a warm-up. */
async function meFigures(bench: PostgresBench, tokens: string[]): Promise<void> {
  await runMeLoad({ url: bench.server.url, tokens, connections, seconds: warmUpSeconds, serverPid: bench.server.pid });
  const meRuns: MeLoadResult[] = [];
  const readLimitRuns: PgbenchResult[] = [];
  for (let index = 0; index < sizes.runs; index += 1) {
    step(`postgres: me { credits } run ${index + 1}/${sizes.runs}, then pgbench -S`);
    meRuns.push(await runMeLoad({ url: bench.server.url, tokens, connections, seconds: sizes.loadSeconds, serverPid: bench.server.pid }));
    readLimitRuns.push(await runPgbench({ url: bench.databaseUrl, script: '-S', clients: connections, seconds: sizes.loadSeconds }));
  }
  recordMeRows(meRuns, readLimitRuns);
}

/**
 * (e) Spends: many users, one hot user, batches of 1,000, each run followed by `pgbench -N`; then
 * the ledger is verified; then a spend's SQL cost with one lot and with many.
 */
async function spendFigures(bench: PostgresBench): Promise<void> {
  step('postgres: spend users (1,000 and one hot), lots for the SQL cost');
  const manyUsers = await seedSpendUsers(bench.database, { prefix: 'user_spend', count: benchUsers });
  const hotUser = await seedSpendUsers(bench.database, { prefix: 'user_spendhot', count: 1 });
  await seedSpendUsers(bench.database, { prefix: 'user_sqlonelot', count: sizes.sqlSpendUsers });
  await seedSpendUsers(bench.database, { prefix: 'user_sqllots', count: sizes.sqlSpendUsers, promotionalLots: sizes.sqlSpendLots });
  const { url, pid: serverPid } = bench.server;
  await runSpendLoad({ url, userIds: manyUsers, connections, seconds: warmUpSeconds, serverPid, runId: 'warm' });
  await runBatchLoad({ url, userIds: manyUsers, itemsPerBatch: 1000, connections: 2, seconds: warmUpSeconds, serverPid, runId: 'warmbatch' });
  const runs = { many: [] as SpendLoadResult[], hot: [] as SpendLoadResult[], batch: [] as SpendLoadResult[], limit: [] as PgbenchResult[] };
  for (let index = 0; index < sizes.runs; index += 1) {
    step(`postgres: spends run ${index + 1}/${sizes.runs} (many users, hot user, batch), then pgbench -N`);
    runs.many.push(await runSpendLoad({ url, userIds: manyUsers, connections, seconds: sizes.spendSeconds, serverPid, runId: `many${index}` }));
    runs.hot.push(await runSpendLoad({ url, userIds: hotUser, connections, seconds: sizes.spendSeconds, serverPid, runId: `hot${index}` }));
    runs.batch.push(await runBatchLoad({ url, userIds: manyUsers, itemsPerBatch: 1000, connections: 2, seconds: sizes.spendSeconds, serverPid, runId: `batch${index}` }));
    runs.limit.push(await runPgbench({ url: bench.databaseUrl, script: '-N', clients: connections, seconds: sizes.spendSeconds }));
  }
  step('postgres: verify_ledger after the spends');
  const [verification] = await bench.database.query<{ result: { problemCount: number; problems: unknown[] } }>('select verify_ledger() as result');
  if (verification!.result.problemCount > 0) failures.push(`verify_ledger after the spends: ${JSON.stringify(verification!.result.problems.slice(0, 5))}`);
  step('postgres: a spend inside PostgreSQL, one lot vs many (pgbench -f spend_credits)');
  const sqlCosts: SqlSpendCost[] = [];
  for (const [prefix, variant] of [
    ['user_sqlonelot', 'one lot'],
    ['user_sqllots', `${sizes.sqlSpendLots + 1} live lots`],
  ] as const) {
    sqlCosts.push(await measureSqlSpend({ url: bench.databaseUrl, database: bench.database, prefix, count: sizes.sqlSpendUsers, seconds: sizes.spendSeconds, variant, workDirectory }));
  }
  const backendCpu = await spendCpuBeforeAndAfterLots(bench);
  recordSpendRows(runs, sqlCosts, verification!.result.problemCount, backendCpu);
}

/**
 * A spend's SQL CPU now (one lot; 21 live lots) against the spend of the commit before lots, whose
 * SQL (taken with `git archive`, no worktree) migrates a second scratch database on the same server
 * in this run: `spend_credits` calls on one connection, that backend's CPU per call, the three
 * variants alternating `sizes.runs` times (medians).
 */
async function spendCpuBeforeAndAfterLots(bench: PostgresBench): Promise<{ commit: string; runs: SpendBackendCpu[][] }> {
  const commit = preLotsCommit();
  step(`postgres: a spend's SQL CPU, now vs before lots (commit ${commit.slice(0, 7)}, second scratch database)`);
  const scratch = await createScratchDatabase(benchServerUrl(), 'topup_bench_prelots');
  cleanups.push(() => scratch.drop());
  const database = await openPostgres({ connectionString: scratch.url, poolSizeMax: 2, statementTimeoutMilliseconds: 600_000 });
  cleanups.push(() => database.close());
  await migrateAtCommit({ database, commit, directory: path.join(workDirectory, 'prelots') });
  await seedSpendUsers(database, { prefix: 'user_sqlprelots', count: sizes.sqlSpendUsers });
  const variants = [
    { url: scratch.url, prefix: 'user_sqlprelots', variant: `before lots (${commit.slice(0, 7)})` },
    { url: bench.databaseUrl, prefix: 'user_sqlonelot', variant: 'now, one lot' },
    { url: bench.databaseUrl, prefix: 'user_sqllots', variant: `now, ${sizes.sqlSpendLots + 1} live lots` },
  ];
  const runs: SpendBackendCpu[][] = [];
  for (let index = 0; index < sizes.runs; index += 1) {
    const round: SpendBackendCpu[] = [];
    for (const variant of variants) round.push(await measureSpendBackendCpu({ ...variant, count: sizes.sqlSpendUsers, spends: sizes.sqlSpendCalls }));
    // The same one-lot spend with the outbox's trigger off (this scratch database only): the
    // commit before lots had no outbox either, so this separates what lots and holds cost from
    // what announcing every movement costs.
    await bench.database.exec('alter table credit_ledger disable trigger credit_ledger_announce');
    try {
      round.push(await measureSpendBackendCpu({ url: bench.databaseUrl, prefix: 'user_sqlonelot', variant: 'now, one lot, outbox trigger off', count: sizes.sqlSpendUsers, spends: sizes.sqlSpendCalls }));
    } finally {
      await bench.database.exec('alter table credit_ledger enable trigger credit_ledger_announce');
    }
    runs.push(round);
  }
  return { commit, runs };
}

/** (c) The first page vs a page deep in the history. */
async function pageFigures(bench: PostgresBench): Promise<void> {
  step(`postgres: ${sizes.historyEntries.toLocaleString('en-US')} rows of ledger history`);
  const history = await seedHistory(bench.database, { userId: 'user_benchhistory', entries: sizes.historyEntries });
  const adminToken = await devToken(bench.server.url, 'user_benchadmin', 'admin');
  step('postgres: first page vs deep page');
  const pages = await measureDeepPages({ url: bench.server.url, adminToken, database: bench.database, userId: 'user_benchhistory', history, samples: sizes.pageSamples });
  recordPageRows(pages);
}

/** (d) The console, served by the same server. */
async function consoleTimingFigure(bench: PostgresBench, token: string): Promise<void> {
  if (!fs.existsSync(chromiumPath)) {
    rows.push({ measure: 'console: time to usable /billing', value: `skipped: ${chromiumPath} not installed`, limit: '', ratio: '', target: '' });
    return;
  }
  step('console: time to a usable billing page in Chromium');
  const timing = await measureTimeToUsableBilling({ url: bench.server.url, token, samples: sizes.consoleSamples });
  details.consoleTimeToUsable = timing;
  rows.push({
    measure: 'console: time to usable /billing, cold cache (Chromium, loopback)',
    value: `${timing.medianMilliseconds.toFixed(0)} ms`,
    limit: '',
    ratio: '',
    target: '',
  });
}

async function pgliteSection(): Promise<void> {
  step('pglite: migrations and purchases in a temporary DATA_DIR');
  const dataDirectory = path.join(workDirectory, 'pglite-data');
  const databaseDirectory = path.join(dataDirectory, 'pglite');
  const plans = planWebhookRuns({ prefix: 'pgl', runs: sizes.runs, purchasesPerRun: sizes.pglitePurchasesPerRun, userCount: benchUsers });
  const [warmUp] = planWebhookRuns({ prefix: 'pglwarm', runs: 1, purchasesPerRun: 2000, userCount: benchUsers });
  // PGlite allows one process: set up before the server starts, verify after it stopped.
  const setup = await openPglite({ directory: databaseDirectory });
  try {
    await migrate(setup);
    await recordPlannedPurchases(setup, [warmUp!, ...plans]);
  } finally {
    await setup.close();
  }
  step('pglite: server');
  const server = await startServer({ DATA_DIR: dataDirectory }, 'pglite');
  cleanups.push(() => server.stop());
  step('pglite: warm-up');
  const warmUpRun = await runWebhookLoad({ url: server.url, plan: warmUp!, webhookSecret, connections, duplicateShare, seed: 1999, seconds: warmUpSeconds, serverPid: server.pid });
  const webhookRuns: WebhookLoadResult[] = [];
  for (const [index, plan] of plans.entries()) {
    step(`pglite: webhooks run ${index + 1}/${plans.length}`);
    webhookRuns.push(await runWebhookLoad({ url: server.url, plan, webhookSecret, connections, duplicateShare, seed: 2000 + index, seconds: sizes.loadSeconds, serverPid: server.pid }));
  }
  await server.stop();
  const verify = await openPglite({ directory: databaseDirectory });
  try {
    const exactlyOnce = await verifyExactlyOnce(verify, [warmUp!, ...plans], [warmUpRun, ...webhookRuns].map((run) => run.acknowledged));
    recordWebhookRows('PGlite', webhookRuns, exactlyOnce, null);
  } finally {
    await verify.close();
  }
}

/**
 * The memory soak: a fresh database and server (its sandbox in-process, as `npm start` runs it), a
 * steady mixed load for `--soak-minutes`, RSS and heap sampled each second; the second half is
 * judged (at most 300 MB RSS, flat).
 */
async function soakSection(): Promise<void> {
  const baseUrl = benchServerUrl();
  if (!(await serverReachable(baseUrl))) {
    rows.push({ measure: 'memory soak', value: `skipped: no PostgreSQL at ${redact(baseUrl)}`, limit: '', ratio: '', target: '' });
    return;
  }
  if (!consoleBuilt()) {
    step('soak: console build (its pages are part of the load)');
    buildConsole();
  }
  const seconds = Math.round(soakMinutes * 60);
  step(`soak: scratch database, ${Math.round(soakRates.webhooks * seconds).toLocaleString('en-US')} webhook deliveries planned, spend users`);
  const scratch = await createScratchDatabase(baseUrl, 'topup_bench_soak');
  cleanups.push(() => scratch.drop());
  countPostgresBackendsOf(scratch.name);
  const database = await openPostgres({ connectionString: scratch.url, poolSizeMax: 2, statementTimeoutMilliseconds: 600_000 });
  cleanups.push(() => database.close());
  await migrate(database);
  // Enough distinct purchases for the whole soak at its rate, a fifth of the deliveries duplicates.
  const purchaseCount = Math.ceil(soakRates.webhooks * seconds * (1 - duplicateShare)) + 100;
  const [plan] = planWebhookRuns({ prefix: 'soak', runs: 1, purchasesPerRun: purchaseCount, userCount: benchUsers });
  await recordPlannedPurchases(database, [plan!]);
  const spendUserIds = await seedSpendUsers(database, { prefix: 'user_soakspend', count: 200 });
  const deliveries = signedCompletions({ purchases: plan!.purchases, run: plan!.run, webhookSecret, duplicateShare, seed: 4242 });
  const memorySamplesFile = path.join(workDirectory, 'soak-memory.jsonl');
  const dataDirectory = path.join(workDirectory, 'soak-data');
  const sandboxPort = await freePort();
  step('soak: server (Stripe sandbox in the same process)');
  const server = await startServer(
    { DATABASE_URL: scratch.url, DATA_DIR: dataDirectory, STRIPE_SANDBOX_PORT: String(sandboxPort), BENCH_MEMORY_SAMPLES_FILE: memorySamplesFile },
    'soak',
    [pathToFileURL(path.join(repositoryDirectory, 'bench', 'support', 'reportMemory.ts')).href],
  );
  cleanups.push(() => server.stop());
  // Dev tokens are rate limited (60 a minute): 20 readers and 20 buyers.
  const meTokensOfSoak = await meTokens(server.url, 20);
  const checkoutTokens: string[] = [];
  for (let index = 0; index < 20; index += 1) checkoutTokens.push(await devToken(server.url, `user_soakbuyer${index}`));
  const indexHtml = fs.readFileSync(path.join(repositoryDirectory, 'console', 'dist', 'index.html'), 'utf8');
  step(`soak: ${seconds} s at ${Object.entries(soakRates).map(([kind, rate]) => `${rate}/s ${kind}`).join(', ')}`);
  const result = await runSoak({
    targets: {
      url: server.url,
      sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
      serverPid: server.pid,
      webhookSecret,
      webhookDeliveries: deliveries,
      meTokens: meTokensOfSoak,
      checkoutTokens,
      serviceKey: benchServiceKey,
      spendUserIds,
      consolePaths: consolePathsOf(indexHtml),
      memorySamplesFile,
      sandboxStateFile: path.join(dataDirectory, 'stripe-sandbox.json'),
    },
    rates: soakRates,
    seconds,
    warmUpSeconds: seconds / 2,
  });
  await server.stop();
  step('soak: verify_ledger');
  const [verification] = await database.query<{ result: { problemCount: number; problems: unknown[] } }>('select verify_ledger() as result');
  recordSoakRows(result, verification!.result.problemCount);
  if (verification!.result.problemCount > 0) failures.push(`verify_ledger after the soak: ${JSON.stringify(verification!.result.problems.slice(0, 5))}`);
}

function recordSoakRows(result: SoakResult, verifyProblems: number): void {
  details.soak = result;
  const megabytes = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
  const signed = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const trend = (value: Trend) =>
    `${signed(value.growthBytes)} over ${((value.toSecond - value.fromSecond) / 60).toFixed(1)} min (${signed(value.slopeBytesPerMinute)}/min), noise ±${(value.noiseBandBytes / 1024 / 1024).toFixed(1)} MB`;
  const minutes = (result.seconds / 60).toFixed(1);
  const peak = Math.max(result.peakRssBytes, result.maxSampledRssBytes);
  const load = Object.entries(result.kinds)
    .map(([kind, figures]) => `${kind} ${figures.ok}/${figures.sent} ok${figures.skipped > 0 ? `, ${figures.skipped} skipped` : ''} (p50 ${figures.latencyP50Milliseconds.toFixed(0)} ms, p99 ${figures.latencyP99Milliseconds.toFixed(0)} ms)`)
    .join('; ');
  rows.push({ measure: `memory soak, ${minutes} min on PostgreSQL: the load (requests answered/sent)`, value: load, limit: '', ratio: '', target: '' });
  rows.push({ measure: '  server RSS, peak (VmHWM)', value: megabytes(peak), limit: '300 MB', ratio: `${((peak / (300 * 1024 * 1024)) * 100).toFixed(0)}%`, target: `<= 300 MB: ${peak <= 300 * 1024 * 1024 ? 'met' : 'MISSED'}` });
  rows.push({
    measure: `  server RSS at warm-up end (${(soakMinutes / 2).toFixed(1)} min) vs end; trend (${result.rssTrendOf}) over the second half`,
    value: `${megabytes(result.rssAtWarmUpEndBytes)} vs ${megabytes(result.rssAtEndBytes)}; ${trend(result.rssTrend)}`,
    limit: 'noise band',
    ratio: '',
    target: short ? 'not judged in --short (still warming up)' : `flat: ${result.rssTrend.flat ? 'met' : 'MISSED'}`,
  });
  rows.push({
    measure: `  server V8 heap used at warm-up end vs end; live heap (${result.heapTrendOf}) trend over the second half`,
    value: `${megabytes(result.heapUsedAtWarmUpEndBytes)} vs ${megabytes(result.heapUsedAtEndBytes)}; ${result.majorCollections} full collections, live after the last ${megabytes(result.heapAfterLastMajorCollectionBytes)}; ${result.heapTrend ? trend(result.heapTrend) : 'too few samples'}`,
    limit: 'noise band',
    ratio: '',
    target: short || !result.heapTrend ? '' : `flat: ${result.heapTrend.flat ? 'met' : 'MISSED'}`,
  });
  rows.push({
    measure: '  Stripe sandbox state file (in the server process) at warm-up end vs end',
    value: `${megabytes(result.sandboxStateBytesAtWarmUpEnd)} vs ${megabytes(result.sandboxStateBytesAtEnd)}`,
    limit: '',
    ratio: '',
    target: '',
  });
  const requests = Object.values(result.kinds).reduce((sum, figures) => sum + figures.sent, 0);
  rows.push({
    measure: '  CPU over the soak (server / PostgreSQL / load generator)',
    value: `${((result.cpuSeconds.server / result.seconds) * 100).toFixed(0)}% / ${((result.cpuSeconds.postgres / result.seconds) * 100).toFixed(0)}% / ${((result.cpuSeconds.loadGenerator / result.seconds) * 100).toFixed(0)}% of a core; server ${((result.cpuSeconds.server * 1000) / requests).toFixed(2)} ms per request`,
    limit: '',
    ratio: '',
    target: verifyProblems === 0 ? 'verify_ledger clean' : `verify_ledger: ${verifyProblems} problems`,
  });
  const failed = Object.entries(result.kinds).filter(([, figures]) => figures.failed > 0 || figures.skipped > 0);
  for (const [kind, figures] of failed) failures.push(`soak: ${kind}: ${figures.failed} failed, ${figures.skipped} skipped; first error: ${figures.firstError}`);
  if (peak > 300 * 1024 * 1024) failures.push(`soak: peak RSS ${megabytes(peak)} over 300 MB`);
  if (short) return;
  if (!result.rssTrend.flat) failures.push(`soak: RSS grew over the second half: ${trend(result.rssTrend)}`);
  if (result.heapTrend && !result.heapTrend.flat) failures.push(`soak: the heap grew over the second half: ${trend(result.heapTrend)}`);
}

/**
 * Long histories: one fresh database and server; the ledger grown to each of `historyRows` in turn
 * (set-based SQL, timed), and at each size the deep page, `me`, a spend and a webhook timed; the
 * rows compare the largest size with the smallest.
 */
async function historySection(): Promise<void> {
  const baseUrl = benchServerUrl();
  if (!(await serverReachable(baseUrl))) {
    rows.push({ measure: 'long histories', value: `skipped: no PostgreSQL at ${redact(baseUrl)}`, limit: '', ratio: '', target: '' });
    return;
  }
  step('history: scratch database, two users, purchases for the webhook samples');
  const scratch = await createScratchDatabase(baseUrl, 'topup_bench_history');
  cleanups.push(() => scratch.drop());
  const database = await openPostgres({ connectionString: scratch.url, poolSizeMax: 2, statementTimeoutMilliseconds: 3_600_000 });
  cleanups.push(() => database.close());
  await migrate(database);
  const history = await prepareLongHistory(database);
  const purchases = await recordHistoryPurchases(database, history, { run: 'history', perUser: historyRows.length * (sizes.pageSamples + 3) });
  await database.exec('analyze');
  const server = await startServer({ DATABASE_URL: scratch.url }, 'history');
  cleanups.push(() => server.stop());
  const results: HistorySizeResult[] = [];
  for (const target of historyRows) {
    step(`history: growing credit_ledger to ${target.toLocaleString('en-US')} rows`);
    const grown = await growHistoryTo(database, history, target);
    step(`history: ${grown.ledgerRows.toLocaleString('en-US')} rows (${grown.appendedRows.toLocaleString('en-US')} appended in ${grown.seedSeconds.toFixed(1)} s); deep page, me, spend, webhook`);
    const measured = await measureHistoryPaths({ url: server.url, database, history, serviceKey: benchServiceKey, webhookSecret, purchases, samples: sizes.pageSamples, label: `h${target}` });
    results.push({ ...grown, ...measured });
  }
  await server.stop();
  recordHistoryRows(results);
}

function recordHistoryRows(results: HistorySizeResult[]): void {
  details.longHistory = results;
  const small = results[0]!;
  const large = results.at(-1)!;
  const rowsOf = (result: HistorySizeResult) => result.ledgerRows.toLocaleString('en-US');
  // --short's sizes (10,000 vs 100,000) and 10 samples prove the part runs; their ratios are noise.
  const judged = (ratio: number) => (short ? 'not judged in --short' : `<= 1.5x: ${ratio <= 1.5 ? 'met' : 'MISSED'}`);
  rows.push({
    measure: `long history: credit_ledger grown to ${results.map(rowsOf).join(' then ')} rows (one user holds them), set-based SQL`,
    value: results.map((result) => `${result.appendedRows.toLocaleString('en-US')} rows in ${result.seedSeconds.toFixed(1)} s`).join('; '),
    limit: '',
    ratio: '',
    target: '',
  });
  large.pages.forEach((page, index) => {
    const before = small.pages[index]!;
    rows.push({
      measure: `  ledgerEntries(first: 20), ${page.variant}, deep / first page: ${rowsOf(small)} vs ${rowsOf(large)} rows`,
      value: `${before.deepPageMedianMilliseconds.toFixed(2)} / ${before.firstPageMedianMilliseconds.toFixed(2)} ms vs ${page.deepPageMedianMilliseconds.toFixed(2)} / ${page.firstPageMedianMilliseconds.toFixed(2)} ms`,
      limit: `the deep page at ${rowsOf(small)}`,
      ratio: `${(page.deepPageMedianMilliseconds / before.deepPageMedianMilliseconds).toFixed(2)}x`,
      target: judged(page.deepPageMedianMilliseconds / before.deepPageMedianMilliseconds),
    });
  });
  for (const path of large.paths) {
    const before = small.paths.find((candidate) => candidate.path === path.path && candidate.user === path.user)!;
    const ratio = path.medianMilliseconds / before.medianMilliseconds;
    rows.push({
      measure: `  ${path.path}, ${path.user}${path.user === 'history user' ? ' (holds the rows)' : ''}: ${rowsOf(small)} vs ${rowsOf(large)} rows`,
      value: `${before.medianMilliseconds.toFixed(2)} ms vs ${path.medianMilliseconds.toFixed(2)} ms`,
      limit: `the same at ${rowsOf(small)}`,
      ratio: `${ratio.toFixed(2)}x`,
      target: judged(ratio),
    });
  }
}

/** `--name 1,2,3`: positive integers, or undefined when absent. */
function listArgument(name: string): number[] | undefined {
  const index = process.argv.indexOf(name);
  if (index < 0) return undefined;
  const values = (process.argv[index + 1] ?? '').split(',').map((value) => Number(value.replace(/_/g, '')));
  if (values.length < 2 || values.some((value) => !Number.isInteger(value) || value <= 0)) throw new Error(`${name} wants two or more sizes, e.g. 100000,10000000`);
  return values;
}

/** `--name <number>`, or undefined when absent. */
function numberArgument(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} wants a positive number`);
  return value;
}

async function startServer(environment: Record<string, string>, name: string, importModules: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const dataDirectory = environment.DATA_DIR ?? path.join(workDirectory, `${name}-data`);
  // BENCH_CPU_PROFILE=<folder>: the servers write V8 CPU profiles there on exit (open in Chrome DevTools).
  const profileDirectory = process.env.BENCH_CPU_PROFILE;
  return startServerProcess({
    port,
    nodeArguments: profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDirectory, name)}`] : [],
    logFile: path.join(logDirectory, `${name}-server.log`),
    importModules,
    environment: {
      DATA_DIR: dataDirectory,
      STRIPE_SANDBOX_PORT: '0',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      RECONCILE_INTERVAL_SECONDS: '0',
      SEED_DEMO_DATA: 'false',
      ADMIN_USER_IDS: 'user_benchadmin',
      SERVICE_API_KEYS: benchServiceKey,
      ...environment,
    },
  });
}

function recordWebhookRows(target: string, runs: WebhookLoadResult[], exactlyOnce: ExactlyOnceReport, limits: PgbenchResult[] | null): void {
  const eventsPerSecond = median(runs.map((run) => run.eventsPerSecond));
  const limit = limits ? median(limits.map((run) => run.transactionsPerSecond)) : null;
  const ratio = limit ? eventsPerSecond / limit : null;
  const key = target === 'PGlite' ? 'webhooksPglite' : 'webhooksPostgres';
  details[key] = { runs: runs.map(({ acknowledged: _acknowledged, ...run }) => run), limits, exactlyOnce };
  const errors = runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0);
  rows.push({
    measure: `webhook checkout.session.completed on ${target}, c=${connections}, ${Math.round(duplicateShare * 100)}% duplicates`,
    value: `${eventsPerSecond.toFixed(0)} events/s, p50 ${median(runs.map((run) => run.latencyP50Milliseconds)).toFixed(1)} ms, p99 ${median(runs.map((run) => run.latencyP99Milliseconds)).toFixed(1)} ms`,
    limit: limit ? `pgbench -N: ${limit.toFixed(0)} tx/s` : 'n/a (embedded, one connection)',
    ratio: ratio ? `${(ratio * 100).toFixed(0)}%` : '',
    target: ratio ? `>= 60%: ${ratio >= 0.6 ? 'met' : 'MISSED'}` : '',
  });
  rows.push({
    measure: `exactly once on ${target} (${exactlyOnce.purchases} purchases, ${exactlyOnce.acknowledged} acknowledged)`,
    value: exactlyOnce.ok
      ? `ok: ${exactlyOnce.granted} granted once, 0 double, verify_ledger clean (took ${(exactlyOnce.verifyLedgerMilliseconds / 1000).toFixed(1)} s)`
      : `FAILED: ${JSON.stringify(exactlyOnce)}`,
    limit: '',
    ratio: '',
    target: errors > 0 ? `${errors} non-2xx/errors` : '',
  });
  const cpu = cpuPerRequest(runs.map((run) => ({ cpu: run.cpuSeconds, requests: run.deliveries })));
  if (cpu) rows.push({ measure: `  CPU per webhook delivery on ${target} (server / PostgreSQL / autocannon)`, value: cpu, limit: limits ? pgbenchCpu(limits) : '', ratio: '', target: '' });
  if (!exactlyOnce.ok) failures.push(`exactly-once failed on ${target}: ${JSON.stringify(exactlyOnce)}`);
  if (errors > 0) failures.push(`${errors} webhook deliveries were not answered with a 2xx on ${target}`);
}

function recordMeRows(runs: MeLoadResult[], limits: PgbenchResult[]): void {
  const requestsPerSecond = median(runs.map((run) => run.requestsPerSecond));
  const limit = median(limits.map((run) => run.transactionsPerSecond));
  const ratio = requestsPerSecond / limit;
  details.me = { runs, limits };
  rows.push({
    measure: `me { credits }, authenticated, c=${connections}`,
    value: `${requestsPerSecond.toFixed(0)} req/s, p50 ${median(runs.map((run) => run.latencyP50Milliseconds)).toFixed(1)} ms, p99 ${median(runs.map((run) => run.latencyP99Milliseconds)).toFixed(1)} ms`,
    limit: `pgbench -S: ${limit.toFixed(0)} tx/s`,
    ratio: `${(ratio * 100).toFixed(1)}%`,
    target: `>= 40%: ${ratio >= 0.4 ? 'met' : 'MISSED'}`,
  });
  const cpu = cpuPerRequest(runs.map((run) => ({ cpu: run.cpuSeconds, requests: run.requests })));
  if (cpu) rows.push({ measure: '  CPU per me request (server / PostgreSQL / autocannon)', value: cpu, limit: pgbenchCpu(limits), ratio: '', target: '' });
  const errors = runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0);
  if (errors > 0) failures.push(`${errors} me requests were not answered with a 2xx`);
}

function recordSpendRows(
  runs: { many: SpendLoadResult[]; hot: SpendLoadResult[]; batch: SpendLoadResult[]; limit: PgbenchResult[] },
  sqlCosts: SqlSpendCost[],
  verifyProblems: number,
  backendCpu: { commit: string; runs: SpendBackendCpu[][] },
): void {
  const limit = median(runs.limit.map((run) => run.transactionsPerSecond));
  details.spends = { ...runs, sqlCosts, verifyProblems, backendCpu };
  const figure = (results: SpendLoadResult[], latencyOf: string) =>
    `${median(results.map((run) => run.spendsPerSecond)).toFixed(0)} spends/s, p50 ${median(results.map((run) => run.latencyP50Milliseconds)).toFixed(1)} ms, p99 ${median(results.map((run) => run.latencyP99Milliseconds)).toFixed(1)} ms${latencyOf}`;
  const ratio = (results: SpendLoadResult[]) => median(results.map((run) => run.spendsPerSecond)) / limit;
  rows.push({
    measure: `spendCredits, service key, ${benchUsers.toLocaleString('en-US')} users, c=${connections}`,
    value: figure(runs.many, ''),
    limit: `pgbench -N: ${limit.toFixed(0)} tx/s`,
    ratio: `${(ratio(runs.many) * 100).toFixed(0)}%`,
    target: '',
  });
  rows.push({
    measure: `spendCredits, service key, one hot user, c=${connections}`,
    value: figure(runs.hot, ''),
    limit: `pgbench -N: ${limit.toFixed(0)} tx/s`,
    ratio: `${(ratio(runs.hot) * 100).toFixed(0)}%`,
    target: '',
  });
  const batchRatio = ratio(runs.batch);
  rows.push({
    measure: `spendCreditsBatch, 1,000 items across ${benchUsers.toLocaleString('en-US')} users, c=2 (latency per batch)`,
    value: figure(runs.batch, ''),
    limit: `pgbench -N: ${limit.toFixed(0)} tx/s`,
    ratio: `${batchRatio.toFixed(1)}x`,
    target: `>= 10x: ${batchRatio >= 10 ? 'met' : 'MISSED'}`,
  });
  const base = sqlCosts[0];
  for (const cost of sqlCosts) {
    rows.push({
      measure: `  spend_credits inside PostgreSQL (pgbench -f, c=1), ${cost.variant}`,
      value: `${cost.spendMillisecondsPerCall.toFixed(3)} ms per call, of which lot and hold functions ${cost.lotMillisecondsPerCall.toFixed(3)} ms; PostgreSQL CPU ${cost.postgresCpuMilliseconds.toFixed(2)} ms per tx; ${cost.transactionsPerSecond.toFixed(0)} tx/s`,
      limit: '',
      ratio: base && cost !== base ? `${(cost.spendMillisecondsPerCall / base.spendMillisecondsPerCall).toFixed(2)}x` : '',
      target: '',
    });
  }
  const cpu = backendCpu.runs[0]!.map((_, index) => median(backendCpu.runs.map((round) => round[index]!.cpuMillisecondsPerSpend)));
  const [before, oneLot, manyLots, withoutOutbox] = cpu as [number, number, number, number];
  const variants = backendCpu.runs[0]!.map((variant) => variant.variant);
  rows.push({
    measure: `a spend's SQL CPU: spend_credits, one backend's CPU per call (/proc), ${sizes.sqlSpendCalls.toLocaleString('en-US')} calls × ${sizes.runs}: ${variants.join(' / ')}`,
    value: `${before.toFixed(3)} / ${oneLot.toFixed(3)} / ${manyLots.toFixed(3)} / ${withoutOutbox.toFixed(3)} ms`,
    limit: 'the spend before lots',
    ratio: `${(oneLot / before).toFixed(2)}x / ${(manyLots / before).toFixed(2)}x / ${(withoutOutbox / before).toFixed(2)}x`,
    target: `<= 1.3x: ${oneLot / before <= 1.3 ? 'met' : 'MISSED'} (one lot), ${manyLots / before <= 1.3 ? 'met' : 'MISSED'} (${variants[2]!.replace('now, ', '')})`,
  });
  const refused = [...runs.many, ...runs.hot, ...runs.batch].reduce((sum, run) => sum + run.refused + run.non2xx + run.errors, 0);
  if (refused > 0) failures.push(`${refused} spends were refused or not answered with a 2xx`);
  if (verifyProblems > 0) rows.push({ measure: 'verify_ledger after the spends', value: `FAILED: ${verifyProblems} problems`, limit: '', ratio: '', target: '' });
}

function recordPageRows(pages: PageLatency[]): void {
  details.deepPages = pages;
  for (const page of pages) {
    rows.push({
      measure: `ledgerEntries(first: 20), ${page.variant}: ${page.depth.toLocaleString('en-US')} rows deep vs first page`,
      value: `${page.deepPageMedianMilliseconds.toFixed(2)} ms vs ${page.firstPageMedianMilliseconds.toFixed(2)} ms`,
      limit: '',
      ratio: `${page.ratio.toFixed(2)}x`,
      target: `<= 1.5x: ${page.ratio <= 1.5 ? 'met' : 'MISSED'}`,
    });
  }
}

/** Median CPU milliseconds per request, by process, over the runs; null when not measurable. */
function cpuPerRequest(runs: { cpu: CpuSnapshot | undefined; requests: number }[]): string | null {
  const measured = runs.filter((run) => run.cpu !== undefined && run.requests > 0 && run.cpu.server > 0);
  if (measured.length === 0) return null;
  const per = (pick: (cpu: CpuSnapshot) => number) => median(measured.map((run) => (pick(run.cpu!) * 1000) / run.requests));
  const server = per((cpu) => cpu.server);
  const postgres = per((cpu) => cpu.postgres);
  const loadGenerator = per((cpu) => cpu.loadGenerator);
  return `${server.toFixed(2)} / ${postgres.toFixed(2)} / ${loadGenerator.toFixed(2)} ms (sum ${(server + postgres + loadGenerator).toFixed(2)} ms: at most ${(2000 / (server + postgres + loadGenerator)).toFixed(0)}/s on 2 cores)`;
}

/** pgbench's CPU per transaction, PostgreSQL / pgbench, medians over the runs. */
function pgbenchCpu(limits: PgbenchResult[]): string {
  const measured = limits.filter((run) => run.transactions > 0);
  if (measured.length === 0) return '';
  const postgres = median(measured.map((run) => (run.cpuSeconds.postgres * 1000) / run.transactions));
  const pgbench = median(measured.map((run) => (run.cpuSeconds.pgbench * 1000) / run.transactions));
  return `pgbench: ${postgres.toFixed(2)} / ${pgbench.toFixed(2)} ms per tx (PostgreSQL / pgbench)`;
}

function report(): void {
  const title = `Topup benchmarks${short ? ' (--short: sizes too small to mean anything)' : ''}: ${os.cpus().length} cores, ${sizes.runs} run(s) per figure, medians`;
  console.log(`\n${title}\n`);
  console.log('| measure | Topup | limit, same run | ratio | target |');
  console.log('|---|---|---|---:|---|');
  for (const row of rows) console.log(`| ${row.measure} | ${row.value} | ${row.limit} | ${row.ratio} | ${row.target} |`);
  const file = path.join(repositoryDirectory, 'bench', 'results', `bench${short ? '-short' : ''}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...details, rows, failures, seconds: (Date.now() - startedAt.getTime()) / 1000 }, null, 2));
  console.log(`\nwritten ${path.relative(repositoryDirectory, file)} in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`);
  if (failures.length > 0) {
    for (const failure of failures) console.error(failure);
    process.exitCode = 1;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
