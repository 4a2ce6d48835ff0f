import fs from 'node:fs';
import pg from 'pg';
import type Stripe from 'stripe';
import { fulfillCheckout } from '../server/billing/fulfillCheckout.ts';
import { createPricing } from '../server/billing/pricing.ts';
import { stripeEventRecord } from '../server/billing/stripeEventRecord.ts';
import { loadConfig } from '../server/config.ts';
import { functionCallSql } from '../server/db/functionCall.ts';
import { migrate } from '../server/db/migrate.ts';
import { openPostgres } from '../server/db/openPostgres.ts';
import type { Storage } from '../server/db/storage.ts';
import { checkoutSession, stripeEvent } from '../test/support/stripeEvents.ts';
import { benchServerUrl, createScratchDatabase } from './support/benchDatabase.ts';
import { benchPurchases, recordBenchPurchases } from './support/checkoutEvents.ts';

/**
 * `npx tsx bench/probeWebhookSql.ts [count] [--connections N] [--synchronous-commit on] [--functions] [--explain FILE]`: what one webhook's SQL
 * costs PostgreSQL, without HTTP, Node or other load in the way. In a scratch database, `count`
 * purchases are recorded, the exact `apply_checkout_event` calls the webhook route would send for
 * them are built by the server's own `fulfillCheckout` (its storage replaced by one that keeps the
 * statement), and they run one after the other on one connection (or on N, one call in flight on
 * each), each its own transaction with `synchronous_commit = off` (`--synchronous-commit on`: as the
 * server commits, each call waiting for its WAL flush, whose system time the backend pays); then the same calls again (each
 * now a duplicate delivery). Prints the CPU of those backends per call, from /proc/<pid>/stat, so
 * other work on a shared machine does not count. `--functions`: plus each SQL function's self and total time per call
 * (`track_functions`, which slows the run). `--explain FILE`: plus the plans of every statement of
 * one more call, nested ones and triggers included (auto_explain), written to FILE.
 */
const count = Number(/^\d+$/.test(process.argv[2] ?? '') ? process.argv[2] : 2000);
const trackFunctions = process.argv.includes('--functions');
const explainIndex = process.argv.indexOf('--explain');
const explainFile = explainIndex > 0 ? process.argv[explainIndex + 1] : undefined;
const connectionsIndex = process.argv.indexOf('--connections');
const connectionCount = connectionsIndex > 0 ? Number(process.argv[connectionsIndex + 1]) : 1;
const synchronousCommitIndex = process.argv.indexOf('--synchronous-commit');
const synchronousCommit = synchronousCommitIndex > 0 && process.argv[synchronousCommitIndex + 1] === 'on' ? 'on' : 'off';

const scratch = await createScratchDatabase(benchServerUrl(), 'probe');
try {
  const calls = await recordedCalls(scratch.url, count + 1);
  const clients = Array.from({ length: connectionCount }, () => new pg.Client({ connectionString: scratch.url }));
  const client = clients[0]!;
  const pids: number[] = [];
  for (const each of clients) {
    await each.connect();
    await each.query(`set synchronous_commit = ${synchronousCommit}`);
    if (trackFunctions) await each.query(`set track_functions = 'all'`);
    pids.push((await each.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid);
  }
  try {
    const backendCpuMilliseconds = () =>
      pids.reduce((sum, pid) => {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return sum + (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
      }, 0);
    const runAll = async () => {
      const before = backendCpuMilliseconds();
      let next = 0;
      await Promise.all(clients.map(async (each) => {
        for (let index = next++; index < count; index = next++) await each.query(calls[index]!.sql, calls[index]!.params);
      }));
      return (backendCpuMilliseconds() - before) / count;
    };
    console.log(`apply_checkout_event, ${count} grants on ${connectionCount} connection(s), synchronous_commit ${synchronousCommit}: ${(await runAll()).toFixed(3)} ms of PostgreSQL CPU each`);
    console.log(`the same events again (duplicates): ${(await runAll()).toFixed(3)} ms each`);
    if (trackFunctions) {
      await client.query('select pg_stat_force_next_flush()');
      await client.query('select 1');
      const rows = await client.query(
        `select funcname as function, calls, round((self_time / calls)::numeric, 4) as self_ms, round((total_time / calls)::numeric, 4) as total_ms
         from pg_stat_user_functions where calls > 0 order by self_time desc limit 30`,
      );
      console.table(rows.rows);
    }
    if (explainFile !== undefined) {
      await client.query(`load 'auto_explain'`);
      await client.query(
        `set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_nested_statements = on;
         set auto_explain.log_triggers = on; set auto_explain.log_level = notice`,
      );
      const plans: string[] = [];
      client.on('notice', (notice) => plans.push(notice.message ?? ''));
      const last = calls[count]!;
      await client.query(last.sql, last.params);
      fs.writeFileSync(explainFile, plans.join('\n\n') + '\n');
      console.log(`plans of one more grant's ${plans.length} statements: ${explainFile}`);
    }
  } finally {
    for (const each of clients) await each.end();
  }
} finally {
  await scratch.drop();
}

/** Migrates the scratch database, records `total` purchases and returns the webhook's call for each. */
async function recordedCalls(url: string, total: number): Promise<{ sql: string; params: unknown[] }[]> {
  const database = await openPostgres({ connectionString: url, poolSizeMax: 2, statementTimeoutMilliseconds: 60_000 });
  try {
    await migrate(database);
    const purchases = benchPurchases({ run: 'probe', count: total, userCount: 1000 });
    await recordBenchPurchases(database, purchases);
    const pricing = createPricing(loadConfig({ NODE_ENV: 'test' }).credits);
    const calls: { sql: string; params: unknown[] }[] = [];
    const keepingStorage = {
      kind: 'postgres',
      call: async (functionName: string, args: Record<string, unknown>) => {
        calls.push(functionCallSql(functionName, args));
        return { kind: 'settled' };
      },
    } as unknown as Storage;
    for (const [index, purchase] of purchases.entries()) {
      const session = checkoutSession({ ...purchase, paymentIntentId: `pi_probe_${index}` }) as Stripe.Checkout.Session;
      const event = stripeEvent('checkout.session.completed', session, { id: `evt_probe_${index}` });
      await fulfillCheckout({ storage: keepingStorage, pricing, session, event: stripeEventRecord(event) });
    }
    return calls;
  } finally {
    await database.close();
  }
}
