import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../server/db/migrate.ts';
import { openPostgres } from '../server/db/openPostgres.ts';
import type { SqlDatabase } from '../server/db/sqlDatabase.ts';
import { freePort } from '../bench/support/freePort.ts';
import { killAllServerProcesses, repositoryDirectory, startServerProcess, type ServerProcess } from '../bench/support/serverProcess.ts';
import { seededRandom } from '../bench/support/statistics.ts';
import { runDeliveryStorm, type StormReport } from './support/deliveryStorm.ts';
import { fabricatePurchase, recordFabricatedPurchases } from './support/fabricatedStripe.ts';
import { drawPurchases, playPurchase, startStripeStage, type CapturedEvent, type PlayedPurchase, type StripeStage } from './support/playStripe.ts';
import { createPostgresCluster, postgresBinaries, type PostgresCluster } from './support/postgresCluster.ts';
import { runCreditStorm, type CreditStormReport } from './support/creditStorm.ts';
import { sweepUntilDone, verifyCreditState, type CreditStateReport } from './support/verifyCreditState.ts';
import { verifyFinalState, type FinalStateReport } from './support/verifyFinalState.ts';
import { startAppReceiver, type AppReceiver } from './support/appReceiver.ts';
import { verifyWebhooks, waitForWebhookDrain, type WebhookReport } from './support/verifyWebhooks.ts';
import { generateWebhookSecret } from '../server/webhooks/generateWebhookSecret.ts';
import { createLiveRelay, type LiveRelay, type LiveRelayReport } from './support/liveRelay.ts';
import { planAutoTopUpUsers, setUpAutoTopUpUsers, verifyAutoTopUps, waitForAutoTopUpsSettled, type AutoTopUpReport, type AutoTopUpUser } from './support/autoTopUpChaos.ts';
import { pgbouncerBinary, startPgbouncer, type Pgbouncer } from './support/pgbouncer.ts';
import { readWorkSplit, type FaultWindow, type WorkSplit } from './support/workSplit.ts';

/**
 * `npm run chaos [-- --short]`: exactly-once under duplicates, reordering, crashes and restarts.
 *
 * 1. A PostgreSQL cluster of its own (initdb in a temporary folder, a free port on 127.0.0.1).
 * 2. "Stripe": the project's Stripe sandbox, started here with the servers' webhook secret. The
 *    driver plays hundreds of purchases through it (sessions recorded in the database as the server
 *    records them; then paid, async succeeded or failed, declined, expired, refunded in part or in
 *    full, disputed and won or lost) and captures every event the sandbox emits, without delivering;
 *    the rest of the thousands of purchases get the same scenarios' events built from Stripe's sample
 *    objects (the sandbox slows down quadratically with its size; see fabricatedStripe.ts).
 * 3. Two server instances (child processes, same DATABASE_URL and STRIPE_WEBHOOK_SECRET, their own
 *    ports and idle sandboxes, no scheduled reconcile).
 * 4. The storm: every event, shuffled, ~30% duplicates, each send POSTed to both instances at once and
 *    retried until it gets a 2xx. Meanwhile: instance B is SIGKILLed and restarted three times,
 *    PostgreSQL restarts once (immediate: a crash and recovery), and `npm run stripe:reconcile` runs
 *    against the sandbox (it lists the same events and sessions and applies them concurrently).
 *    At the same time the app's backend (a service key) grants promotional credits (expiring in a day,
 *    within seconds, never), spends, reserves holds and captures, releases or abandons them, and
 *    spends in batches, on users of its own, retrying each request with its key until it is answered.
 * 5. The end: every purchase in the state its scenario implies (computed by the driver from the
 *    contract's rules, not read from Topup), every balance as expected, no duplicate grant; after
 *    the expiry sweep, every credit movement exactly as answered, holds in a final state (or active
 *    within their expiry), lots adding up with none negative (verifyCreditState.ts);
 *    `npm run ledger:verify` clean. One summary line. Exit code 1 on any difference.
 *
 * Bounded: a hard deadline kills everything; the cluster, the children and the temporary folders are
 * removed on exit, also on failure or Ctrl-C. Loopback only.
 */
const short = process.argv.includes('--short');
/** `--pgbouncer`: three instances behind PgBouncer in transaction mode, every background job in each (scheduled reconcile too). */
const viaPgbouncer = process.argv.includes('--pgbouncer');
// Purchases played through the sandbox (listed by reconcile) and fabricated from Stripe's samples.
const sizes = short
  ? { sandboxPurchases: 100, fabricatedPurchases: 150, users: 40, creditUsers: 20, autoTopUpUsers: 8, creditWorkers: 4, deadlineSeconds: 170, minStormSeconds: 50, goneAfterRequests: 200 }
  : { sandboxPurchases: 400, fabricatedPurchases: 1800, users: 300, creditUsers: 60, autoTopUpUsers: 16, creditWorkers: 6, deadlineSeconds: 285, minStormSeconds: 150, goneAfterRequests: 1500 };
type InstanceName = 'a' | 'b' | 'c';
const instanceNames: InstanceName[] = viaPgbouncer ? ['a', 'b', 'c'] : ['a', 'b'];
/** With --pgbouncer every instance reconciles on its own schedule (RECONCILE_INTERVAL_SECONDS). */
const reconcileIntervalSeconds = 15;
const webhookAttemptTimeoutMilliseconds = 5000;
/** After the storm, how long the outbox may take to deliver what is left (claims of a killed instance expire after 35 s). */
const webhookDrainSeconds = 60;
/** The app's backend's key (SERVICE_API_KEYS of both instances), and what each of its users starts with. */
const serviceKey = 'svc_chaos_0123456789abcdefghijklmnopqrstuvwxyz';
const creditSeed = 300;
const duplicateShare = 0.3;
const webhookSecret = 'whsec_chaos_0123456789abcdefghijklmnopqrstuv';
/** The app's endpoints: the default one (APP_WEBHOOK_SECRET) and the one that goes away. */
const appWebhookSecret = generateWebhookSecret();
const goneSecret = generateWebhookSecret();
const seed = Number(process.env.CHAOS_SEED ?? 20261124);
const startedAt = Date.now();
const deadline = startedAt + sizes.deadlineSeconds * 1000;
const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-chaos-'));
const keepLogs = process.env.CHAOS_KEEP_LOGS === '1';
let cluster: PostgresCluster | null = null;
let pgbouncer: Pgbouncer | null = null;

const emergencyCleanup = () => {
  killAllServerProcesses();
  pgbouncer?.kill();
  cluster?.destroy();
  if (!keepLogs) fs.rmSync(workDirectory, { recursive: true, force: true });
};
process.on('exit', emergencyCleanup);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`chaos: ${signal}, cleaning up`);
    process.exit(130);
  });
}
const hardStopSeconds = sizes.deadlineSeconds + webhookDrainSeconds + 20;
const hardStop = setTimeout(() => {
  console.error(`chaos: over the ${hardStopSeconds}-second bound; stopping`);
  process.exit(1);
}, hardStopSeconds * 1000);
hardStop.unref();

function step(message: string): void {
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}`);
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`chaos failed: ${(error as Error).stack ?? String(error)}`);
  if (keepLogs) console.error(`logs kept in ${workDirectory}`);
}
process.exit(exitCode);

async function main(): Promise<number> {
  const binaries = postgresBinaries();
  if (binaries === null) throw new Error('PostgreSQL server binaries not found (set PG_BIN to the folder with initdb and pg_ctl)');
  const random = seededRandom(seed);

  step('postgres: initdb and start a cluster of its own');
  cluster = createPostgresCluster({ port: await freePort(), binaries });
  let instanceDatabaseUrl = cluster.url;
  if (viaPgbouncer) {
    const binary = pgbouncerBinary();
    if (binary === null) throw new Error('--pgbouncer needs pgbouncer (/usr/sbin/pgbouncer: apt-get install pgbouncer)');
    // Fewer server connections (12) than the three instances' pools (3 x 10): clients share them transaction by transaction.
    pgbouncer = await startPgbouncer({ serverUrl: cluster.url, port: await freePort(), directory: path.join(workDirectory, 'pgbouncer'), logFile: path.join(workDirectory, 'logs', 'pgbouncer.log'), poolSize: 12, binary });
    instanceDatabaseUrl = pgbouncer.url;
    step(`pgbouncer: transaction pooling on port ${pgbouncer.port} in front of PostgreSQL (${cluster.port}); the instances connect through it`);
  }
  const database = await openPostgres({ connectionString: cluster.url, poolSizeMax: 8, statementTimeoutMilliseconds: 60_000 });
  try {
    await migrate(database);
    step('stripe: playing purchases through the sandbox');
    const stage = await startStripeStage({ dataDirectory: path.join(workDirectory, 'stripe'), webhookSecret });
    try {
      const played = await playPurchases({ stage, database, random });
      await stage.sandbox.waitForIdle();
      step(`stripe: ${played.length} purchases through the sandbox, ${stage.events.length} events captured; fabricating the rest`);
      const fabricated = await fabricatePurchases({ database, random });
      const purchases = [...played, ...fabricated.purchases];
      const events = [...stage.events, ...fabricated.events];
      step(`stripe: ${purchases.length} purchases, ${events.length} events`);
      const receiver = await startAppReceiver({
        flakySecret: appWebhookSecret,
        goneSecret,
        random: seededRandom(seed + 2),
        goneAfterRequests: sizes.goneAfterRequests,
        senderTimeoutMilliseconds: webhookAttemptTimeoutMilliseconds,
      });
      try {
        // The endpoints exist before the first credit movement, so every event has its deliveries.
        const goneEndpointId = await createAppEndpoints(database, receiver);
        const creditUsers = await seedCreditUsers(database);
        const outcome = await stormWithFaults({ stage, events, random, creditUsers, receiver, database, instanceDatabaseUrl });
        step('verifying the final state');
        const finalState = await verifyFinalState(database, purchases);
        const autoUserIds = outcome.autoTopUpUsers.map((user) => user.userId);
        await waitForLastExpiries(database, autoUserIds);
        await sweepUntilDone(database);
        const drainDeadline = Math.min(Date.now(), deadline) + webhookDrainSeconds * 1000;
        step('auto top-ups: waiting until no attempt is due or processing and every live Stripe event is delivered');
        const autoSettled = await waitForAutoTopUpsSettled(database, { deadline: drainDeadline, idle: () => outcome.relay.idle(Date.now()) });
        step('webhooks: waiting for the outbox to deliver what is due');
        const drain = await waitForWebhookDrain(database, { receiver, goneEndpointId, deadline: drainDeadline });
        step(`webhooks: ${drain.drained ? 'every delivery settled' : `NOT drained in time: ${drain.stuck.join('; ')}`}; stopping the instances`);
        await Promise.all(instanceNames.map((name) => outcome.instances[name]!.stop()));
        const relayReport = outcome.relay.close();
        const webhooks = await verifyWebhooks(database, { receiver, horizon: drain.horizon, goneEndpointId });
        const autoTopUps = await verifyAutoTopUps(database, { stripe: stage.stripe, users: outcome.autoTopUpUsers, receiver, horizon: drain.horizon });
        const seedCredits = new Map(creditUsers.map((userId) => [userId, creditSeed]));
        for (const user of outcome.autoTopUpUsers) seedCredits.set(user.userId, user.setupCredits + (autoTopUps.creditsByUser.get(user.userId) ?? 0));
        const creditState = await verifyCreditState(database, { storm: outcome.credits, seedCredits });
        const ledgerVerify = await runCommand('server/commands/verifyLedger.ts', { DATABASE_URL: cluster.url }, 'ledger-verify');
        const work = readWorkSplit({
          logs: instanceNames.map((name) => ({ name, file: path.join(workDirectory, 'logs', `instance-${name}.log`) })),
          faults: outcome.faults.windows,
          flaky: receiver.flaky,
        });
        return summarize({
          purchases,
          storm: outcome.storm,
          credits: outcome.credits,
          faults: outcome.faults,
          finalState,
          creditState,
          ledgerVerify,
          webhooks,
          drained: drain.drained,
          autoTopUps,
          autoSettled,
          relay: relayReport,
          work,
        });
      } finally {
        await receiver.close();
      }
    } finally {
      await stage.close();
    }
  } finally {
    await database.close();
  }
}

async function playPurchases(options: { stage: StripeStage; database: SqlDatabase; random: () => number }): Promise<PlayedPurchase[]> {
  const drawn = drawPurchases({ count: sizes.sandboxPurchases, userCount: sizes.users, random: options.random });
  const userIds = [...new Set(drawn.map((purchase) => purchase.userId))];
  await options.database.query('insert into users (id) select unnest($1::text[]) on conflict (id) do nothing', [userIds]);
  const played: PlayedPurchase[] = [];
  let next = 0;
  const worker = async () => {
    while (next < drawn.length) {
      const purchase = drawn[next]!;
      next += 1;
      played.push(await playPurchase({ stage: options.stage, database: options.database, purchase, random: options.random }));
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return played;
}

async function fabricatePurchases(options: { database: SqlDatabase; random: () => number }): Promise<{ purchases: PlayedPurchase[]; events: CapturedEvent[] }> {
  const drawn = drawPurchases({ count: sizes.fabricatedPurchases, userCount: sizes.users, random: options.random });
  const fabricated = drawn.map((purchase, index) => fabricatePurchase({ purchase, index, random: options.random }));
  const purchases = fabricated.map((item) => item.played);
  await options.database.query('insert into users (id) select unnest($1::text[]) on conflict (id) do nothing', [[...new Set(purchases.map((p) => p.userId))]]);
  await recordFabricatedPurchases(options.database, purchases);
  return { purchases, events: fabricated.flatMap((item) => item.events) };
}

/**
 * The app's endpoints: the default one as the instances configure it at boot (APP_WEBHOOK_URL), and a
 * second one that answers 410 at some point. Returns the second one's id.
 */
async function createAppEndpoints(database: SqlDatabase, receiver: AppReceiver): Promise<string> {
  await database.query(
    `select configure_webhooks(p_low_balance_credits => 100, p_default_url => $1, p_default_secret => $2, p_now => now(), p_overlap_seconds => 86400)`,
    [receiver.flakyUrl, appWebhookSecret],
  );
  const [row] = await database.query<{ endpoint: { id: string } }>(
    `select create_webhook_endpoint(p_url => $1, p_event_types => '{}', p_description => 'chaos: answers 410 at some point', p_secret => $2) as endpoint`,
    [receiver.goneUrl, goneSecret],
  );
  return row!.endpoint.id;
}

/** The credit storm's users, each with `creditSeed` credits (an adjustment: a lot that never expires). */
async function seedCreditUsers(database: SqlDatabase): Promise<string[]> {
  const userIds = Array.from({ length: sizes.creditUsers }, (_, index) => `user_chaoscredit${index}`);
  await database.query(
    `select ensure_user(p_user_id => id), grant_credits(p_user_id => id, p_credits => $2, p_kind => 'adjustment', p_reason => 'chaos seed',
            p_actor => 'system', p_idempotency_key => 'chaos-seed:' || id)
     from unnest($1::text[]) as id`,
    [userIds, creditSeed],
  );
  return userIds;
}

interface FaultLog {
  kills: number;
  postgresRestarts: number;
  reconcile: { exitCode: number | null; output: string } | null;
  events: string[];
  /** When each kill and the PostgreSQL restart happened (for the work-split check's "explained by a fault"). */
  windows: FaultWindow[];
}

/** Waits until no auto top-up user's lot is due to expire within the next minute (promotions of the storm expiring within seconds), so the last sweep writes every expiry there is. */
async function waitForLastExpiries(database: SqlDatabase, userIds: string[]): Promise<void> {
  // Asked again after each wait, on the database's clock (the one expiry is judged by), until none is left.
  for (;;) {
    const [row] = await database.query<{ wait_ms: string | null }>(
      `select ceil(extract(epoch from max(expires_at) - clock_timestamp()) * 1000)::bigint::text as wait_ms from credit_lots
       where user_id = any($1::text[]) and remaining > 0 and expires_at > clock_timestamp() and expires_at < clock_timestamp() + interval '1 minute'`,
      [userIds],
    );
    const wait = Number(row?.wait_ms ?? 0);
    if (wait <= 0) return;
    await sleep(wait);
  }
}

async function stormWithFaults(options: {
  stage: StripeStage;
  events: CapturedEvent[];
  random: () => number;
  creditUsers: string[];
  receiver: AppReceiver;
  database: SqlDatabase;
  instanceDatabaseUrl: string;
}): Promise<{
  storm: StormReport;
  credits: CreditStormReport;
  faults: FaultLog;
  instances: Partial<Record<InstanceName, ServerProcess>>;
  relay: LiveRelay;
  autoTopUpUsers: AutoTopUpUser[];
}> {
  const serverEnvironment = (name: string): Record<string, string> => ({
    DATABASE_URL: options.instanceDatabaseUrl,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    // One Stripe for all: the driver's sandbox, where the auto top-ups are paid and the purchases were played.
    STRIPE_SANDBOX_URL: options.stage.sandbox.url,
    RECONCILE_INTERVAL_SECONDS: viaPgbouncer ? String(reconcileIntervalSeconds) : '0',
    AUTO_TOP_UP_WORKER_INTERVAL_MS: '500',
    SEED_DEMO_DATA: 'false',
    SERVICE_API_KEYS: serviceKey,
    // Expiries are due within seconds of the credit storm's grants: sweep every second.
    EXPIRY_SWEEP_SECONDS: '1',
    // Outbound webhooks to the app's receiver; a hanging answer fails an attempt after 5 s.
    APP_WEBHOOK_URL: options.receiver.flakyUrl,
    APP_WEBHOOK_SECRET: appWebhookSecret,
    WEBHOOK_ATTEMPT_TIMEOUT_MS: String(webhookAttemptTimeoutMilliseconds),
    DATA_DIR: path.join(workDirectory, `instance-${name}`),
  });
  const ports: Partial<Record<InstanceName, number>> = {};
  for (const name of instanceNames) ports[name] = await freePort();
  const start = (name: InstanceName) =>
    startServerProcess({ port: ports[name]!, environment: serverEnvironment(name), logFile: path.join(workDirectory, 'logs', `instance-${name}.log`) });
  const instances: Partial<Record<InstanceName, ServerProcess>> = {};
  const targets = instanceNames.map((name) => ({ name, url: () => instances[name]?.url ?? `http://127.0.0.1:${ports[name]}` }));
  // From here on the sandbox's new events (the card-saving checkouts, every auto top-up payment) go to the instances, retried until 2xx.
  const relay = createLiveRelay({ targets: () => targets, webhookSecret, random: seededRandom(seed + 3), duplicateShare });
  options.stage.relayLiveEvents((event) => relay.accept(event));
  step(`servers: starting instances ${instanceNames.join(', ')}${viaPgbouncer ? ` through PgBouncer, every job on (reconcile every ${reconcileIntervalSeconds} s)` : ''}`);
  for (const name of instanceNames) instances[name] = await start(name);
  step(`auto top-up: ${sizes.autoTopUpUsers} users save a card at checkout and turn auto top-up on`);
  const autoTopUpUsers = await setUpAutoTopUpUsers({
    instanceUrl: instances.a!.url,
    stage: options.stage,
    database: options.database,
    plan: planAutoTopUpUsers(sizes.autoTopUpUsers),
    deadline: Date.now() + 60_000,
  });

  const faults: FaultLog = { kills: 0, postgresRestarts: 0, reconcile: null, events: [], windows: [] };
  let progress = 0;
  // A fault waits for its share of the sends and of the storm's minimum length, so the auto top-ups
  // (driven by the credit storm's spends) go on through every fault even when the sends are few.
  const stormStartedAt = Date.now();
  const stormEndsNoEarlierThan = stormStartedAt + sizes.minStormSeconds * 1000;
  const whenProgress = async (fraction: number) => {
    while ((progress < fraction || Date.now() < stormStartedAt + fraction * sizes.minStormSeconds * 1000) && Date.now() < deadline) await sleep(25);
  };
  const note = (message: string) => {
    faults.events.push(`${((Date.now() - startedAt) / 1000).toFixed(1)}s ${message}`);
    step(message);
  };
  const killAndRestartB = async (count: number) => {
    await instances.b!.kill();
    faults.windows.push({ start: Date.now(), end: Date.now() });
    faults.kills += 1;
    note(`fault: SIGKILL instance b (${count}/3), restarting it`);
    instances.b = await start('b');
    note(`instance b is back (${count}/3)`);
  };
  let reconcileDone: Promise<void> = Promise.resolve();
  const faultSchedule = (async () => {
    await whenProgress(0.1);
    await killAndRestartB(1);
    await whenProgress(0.3);
    note('fault: PostgreSQL restart (immediate: every connection dropped, crash recovery)');
    const restartAt = Date.now();
    await cluster!.restart();
    faults.windows.push({ start: restartAt, end: Date.now() });
    faults.postgresRestarts += 1;
    note('PostgreSQL is back');
    await whenProgress(0.4);
    note('reconcile: npm run stripe:reconcile against the sandbox, concurrently');
    reconcileDone = runCommand('server/commands/reconcile.ts', { DATABASE_URL: cluster!.url, STRIPE_SANDBOX_URL: options.stage.sandbox.url, STRIPE_WEBHOOK_SECRET: webhookSecret }, 'reconcile', [
      '--lookback-hours',
      '1',
    ]).then((result) => {
      faults.reconcile = result;
      note(`reconcile finished (exit ${result.exitCode}): ${result.output.trim().split('\n').pop() ?? ''}`);
    });
    await whenProgress(0.55);
    await killAndRestartB(2);
    await whenProgress(0.8);
    await killAndRestartB(3);
  })();

  // The auto top-up users are drawn twice as often, so their spends bring them below the threshold again and again.
  const autoUserIds = autoTopUpUsers.map((user) => user.userId);
  const creditUserIds = [...options.creditUsers, ...autoUserIds, ...autoUserIds];
  step(
    `storm: ${options.events.length} events to ${instanceNames.length} instances, ${Math.round(duplicateShare * 100)}% duplicates; ` +
      `credit operations on ${options.creditUsers.length + autoUserIds.length} users (${autoUserIds.length} with auto top-up); at least ${sizes.minStormSeconds} s`,
  );
  let webhooksOver: () => void = () => undefined;
  const creditStorm = runCreditStorm({
    targets,
    serviceKey,
    userIds: creditUserIds,
    random: seededRandom(seed + 1),
    concurrency: sizes.creditWorkers,
    stopStarting: new Promise<void>((resolve) => {
      webhooksOver = resolve;
    }),
    deadline,
  });
  const storm = await runDeliveryStorm({
    events: options.events,
    targets,
    webhookSecret,
    duplicateShare,
    concurrency: 8,
    random: options.random,
    deadline,
    onProgress: (fraction) => {
      progress = fraction;
    },
    holdOpenUntil: faultSchedule.then(
      () => sleep(Math.max(0, stormEndsNoEarlierThan - Date.now())),
      () => undefined,
    ),
  });
  webhooksOver();
  await faultSchedule;
  await reconcileDone;
  const credits = await creditStorm;
  step(`storm over (${credits.requests} credit operations)`);
  return { storm, credits, faults, instances, relay, autoTopUpUsers };
}

/** Runs one of the project's commands (`npm run ...` without npm) against the chaos cluster. */
function runCommand(script: string, environment: Record<string, string>, name: string, args: string[] = []): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: repositoryDirectory,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(1000, deadline - Date.now() + 15_000));
    child.on('exit', (code) => {
      clearTimeout(timer);
      fs.mkdirSync(path.join(workDirectory, 'logs'), { recursive: true });
      fs.writeFileSync(path.join(workDirectory, 'logs', `${name}.log`), output);
      resolve({ exitCode: code, output });
    });
  });
}

function summarize(result: {
  purchases: PlayedPurchase[];
  storm: StormReport;
  credits: CreditStormReport;
  faults: FaultLog;
  finalState: FinalStateReport;
  creditState: CreditStateReport;
  ledgerVerify: { exitCode: number | null; output: string };
  webhooks: WebhookReport;
  drained: boolean;
  autoTopUps: AutoTopUpReport;
  autoSettled: { settled: boolean; underClaim: number; open: string[] };
  relay: LiveRelayReport;
  work: WorkSplit;
}): number {
  const { storm, credits, faults, finalState, creditState, ledgerVerify, webhooks, autoTopUps, autoSettled, relay, work } = result;
  const byScenario = new Map<string, number>();
  for (const purchase of result.purchases) byScenario.set(purchase.scenario, (byScenario.get(purchase.scenario) ?? 0) + 1);
  console.log(`scenarios: ${[...byScenario].map(([scenario, count]) => `${scenario} ${count}`).join(', ')}`);
  console.log(`answers: ${Object.entries(storm.statusCounts).map(([status, count]) => `${status} x${count}`).join(', ')}`);
  console.log(`faults: ${faults.events.join('; ')}`);
  console.log(
    `credit operations: ${Object.entries(credits.counts)
      .map(([operation, count]) => `${operation} ${count}`)
      .join(', ')}; ${credits.attempts} attempts (${credits.failedAttempts} failed, retried), ${credits.undetermined} undetermined`,
  );
  console.log(
    `webhooks: ${webhooks.events} events (${webhooks.eventsAfterHorizon} after the last delivery round, from the final sweep), ` +
      `default endpoint ${webhooks.attempts.flaky} attempts (${webhooks.attempts.flakyFailed} failed, ${webhooks.attempts.flakyTimedOut} of them timed out), ` +
      `${webhooks.deliveredToFlaky} acknowledged, ${webhooks.redeliveredToFlaky} more than once, ${webhooks.lateAnswers} acknowledged but still pending in the outbox (the answer was lost to a kill or came after the timeout: retried); ` +
      `gone endpoint ${webhooks.attempts.gone} attempts, ${webhooks.deliveredToGone} delivered, ${webhooks.attempts.goneRefused} answered 410, ` +
      `${webhooks.goneDisabled ? 'disabled (gone)' : 'not disabled'}, ${webhooks.waitingAtGone} events waiting or never sent there`,
  );
  const count = (record: Record<string, number>) => Object.entries(record).map(([key, value]) => `${key} ${value}`).join(', ');
  console.log(
    `live Stripe events (the shared sandbox during the storm): ${relay.events} (${count(relay.byType)}), ${relay.deliveries} deliveries ` +
      `(${relay.duplicateSends} duplicate sends), ${relay.attempts} attempts (${relay.failedAttempts} failed, retried), ${relay.undelivered} undelivered`,
  );
  console.log(
    `auto top-up: ${autoTopUps.users} users, payment intents at the sandbox: ${count(autoTopUps.paymentIntents)}; attempts: ${count(autoTopUps.attemptsByStatus)}; ` +
      `${autoTopUps.declines} declines, ${autoTopUps.requiresAction} waiting for authentication, ${autoTopUps.usersAtLimit} users at their monthly limit; ` +
      `events succeeded ${autoTopUps.events.succeeded}, failed ${autoTopUps.events.failed}, requires_action ${autoTopUps.events.requiresAction} (${autoTopUps.events.acknowledged} acknowledged); ` +
      `${autoSettled.underClaim} left under a killed instance's claim`,
  );
  console.log(
    `work split: ${work.instances
      .map(
        (instance) =>
          `${instance.name}: ${instance.webhookAttempts} webhook attempts (${instance.webhookSucceeded} delivered), ${instance.autoTopUpPayments} auto top-up payments, ` +
          `${instance.expirySweeps} expiry sweeps (${instance.usersExpired} users, ${instance.holdsExpired} holds), ${instance.reconcileRuns} reconciles (${instance.reconcileApplied} events applied)`,
      )
      .join('; ')}; repeats: ${work.redelivered} events acknowledged more than once (${work.redeliveredUnexplained.length} unexplained by a fault or a late answer), ` +
      `${work.autoTopUpKeysRepeated} auto top-up keys paid more than once (${work.autoTopUpKeysRepeatedUnexplained.length} unexplained)`,
  );
  const workProblems = [
    ...work.redeliveredUnexplained.slice(0, 5).map((id) => `event ${id} acknowledged twice, the first time outside any fault and in time`),
    ...work.autoTopUpKeysRepeatedUnexplained.slice(0, 5).map((key) => `auto top-up key ${key} paid twice within 25 s outside any fault`),
  ];
  // With three instances the jobs must be shared: each instance delivered and swept some of it.
  if (viaPgbouncer) {
    for (const instance of work.instances) {
      if (instance.webhookSucceeded === 0) workProblems.push(`instance ${instance.name} delivered no webhook: the outbox work was not split`);
      if (instance.reconcileRuns === 0) workProblems.push(`instance ${instance.name} never reconciled`);
    }
    if (work.instances.every((instance) => instance.autoTopUpPayments === 0)) workProblems.push('no instance paid an auto top-up');
  }
  const autoProblems = [...autoTopUps.problems, ...autoSettled.open.map((open) => `auto top-up not settled: ${open}`)];
  if (relay.undelivered > 0) autoProblems.push(`${relay.undelivered} live Stripe deliveries never acknowledged`);
  for (const mismatch of [...finalState.mismatches, ...creditState.mismatches, ...webhooks.problems, ...autoProblems, ...workProblems]) console.error(`MISMATCH ${mismatch}`);
  const ledgerOk = ledgerVerify.exitCode === 0;
  if (!ledgerOk) console.error(`ledger:verify failed:\n${ledgerVerify.output}`);
  const autoOk = autoProblems.length === 0;
  const ok =
    finalState.ok && creditState.ok && ledgerOk && storm.undelivered === 0 && faults.kills === 3 && faults.postgresRestarts === 1 && webhooks.ok && result.drained && autoOk && workProblems.length === 0;
  const reconcileLine = faults.reconcile?.output.trim().split('\n').find((line) => line.startsWith('stripe:reconcile:')) ?? `reconcile exit ${faults.reconcile?.exitCode}`;
  console.log(
    `chaos ${ok ? 'OK' : 'FAILED'}: ${finalState.purchases} purchases of ${finalState.users} users, ${storm.events} events, ` +
      `${storm.sends} sends (${storm.duplicateSends} duplicates) x ${instanceNames.length} instances${viaPgbouncer ? ' behind PgBouncer' : ''} = ${storm.deliveries} deliveries, ` +
      `${storm.attempts} attempts (${storm.failedAttempts} failed, retried), ${storm.undelivered} undelivered; ` +
      `${faults.kills} SIGKILL+restart, ${faults.postgresRestarts} PostgreSQL restart, ${reconcileLine.replace('stripe:reconcile: ', 'reconcile ')}; ` +
      `${finalState.purchasesCorrect}/${finalState.purchases} purchases and ${finalState.usersCorrect}/${finalState.users} balances as expected ` +
      `(${finalState.creditsNetExpected} credits net), ${finalState.duplicateGrants} duplicate grants; ` +
      `credits: ${creditState.movementsCorrect}/${creditState.movements} movements as answered, ${creditState.holdsCorrect}/${creditState.holds} holds, ` +
      `${creditState.usersCorrect}/${creditState.users} balances, ${creditState.expiryEntries} expiries (${creditState.creditsExpired} credits), ${creditState.ok ? 'lots add up' : 'credit check FAILED'}; ` +
      `webhooks: ${webhooks.deliveredToFlaky}/${webhooks.events} events acknowledged, ${webhooks.ok ? 'none for a movement that did not happen' : 'outbox check FAILED'}; ` +
      `auto top-up: ${autoTopUps.grantedOnce}/${autoTopUps.succeeded} payments granted exactly once (${autoTopUps.creditsGranted} credits), ` +
      `${autoOk ? 'no payment without a grant, none charged twice, limits kept' : 'auto top-up check FAILED'}; ` +
      `${workProblems.length === 0 ? 'work split, not repeated' : 'work split check FAILED'}; ` +
      `ledger:verify ${ledgerOk ? 'clean' : 'FAILED'}; ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
  );
  return ok ? 0 : 1;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
