import type { SqlExecutor } from '../server/db/sqlDatabase.ts';
import type { BenchPurchase } from './support/checkoutEvents.ts';
import { benchPurchases, recordBenchPurchases, signedCompletions } from './support/checkoutEvents.ts';
import { startCpuMeter } from './support/cpuAccounting.ts';
import { postWebhooks, type WebhookLoadResult } from './support/postWebhooks.ts';

export interface ExactlyOnceReport {
  purchases: number;
  acknowledged: number;
  granted: number;
  /** Purchases whose number of PURCHASE ledger entries is not 1 when granted (0 when not). */
  wrongEntryCount: number;
  /** Acknowledged (2xx) but not granted: a lost credit. */
  acknowledgedNotGranted: number;
  balanceDifference: number;
  verifyLedgerProblems: number;
  /** How long `verify_ledger()` took: it is part of `npm run ledger:verify`, so its cost matters too. */
  verifyLedgerMilliseconds: number;
  ok: boolean;
}

export interface WebhookRunPlan {
  run: string;
  purchases: BenchPurchase[];
}

/** Plans `runs` runs of `purchasesPerRun` distinct purchases each, over `userCount` users. */
export function planWebhookRuns(options: { prefix: string; runs: number; purchasesPerRun: number; userCount: number }): WebhookRunPlan[] {
  return Array.from({ length: options.runs }, (_, index) => {
    const run = `${options.prefix}${index}`;
    return { run, purchases: benchPurchases({ run, count: options.purchasesPerRun, userCount: options.userCount }) };
  });
}

/** Records every planned purchase before the server starts taking load. */
export async function recordPlannedPurchases(database: SqlExecutor, plans: WebhookRunPlan[]): Promise<void> {
  for (const plan of plans) await recordBenchPurchases(database, plan.purchases);
}

/** One measured run: signs the run's completions (with ~`duplicateShare` duplicates) and POSTs them. */
export async function runWebhookLoad(options: {
  url: string;
  plan: WebhookRunPlan;
  webhookSecret: string;
  connections: number;
  duplicateShare: number;
  seed: number;
  seconds: number;
  serverPid: number;
}): Promise<WebhookLoadResult> {
  const deliveries = signedCompletions({
    purchases: options.plan.purchases,
    run: options.plan.run,
    webhookSecret: options.webhookSecret,
    duplicateShare: options.duplicateShare,
    seed: options.seed,
  });
  const meter = startCpuMeter({ serverPid: options.serverPid });
  const result = await postWebhooks({
    url: options.url,
    deliveries,
    connections: options.connections,
    purchaseCount: options.plan.purchases.length,
    seconds: options.seconds,
  });
  return { ...result, cpuSeconds: meter.stop() };
}

/**
 * Exactly once, checked in SQL after the load: every purchase whose event got a 2xx is granted, no
 * purchase has more than one PURCHASE entry (or any without being granted), the users' balances add
 * up to what was granted, and `verify_ledger()` finds nothing.
 */
export async function verifyExactlyOnce(database: SqlExecutor, plans: WebhookRunPlan[], acknowledged: boolean[][]): Promise<ExactlyOnceReport> {
  const sessionIds = plans.flatMap((plan) => plan.purchases.map((purchase) => purchase.sessionId));
  const rows = await database.query<{ session_id: string; credits_granted: string | number; credits: string | number; entries: string | number }>(
    `select p.session_id, p.credits_granted, p.credits, coalesce(e.entries, 0) as entries
     from credit_purchases p
     left join (select purchase_session_id, count(*) as entries from credit_ledger where kind = 'purchase' group by 1) e
       on e.purchase_session_id = p.session_id
     where p.session_id = any($1::text[])`,
    [sessionIds],
  );
  const bySession = new Map(rows.map((row) => [row.session_id, row]));
  let granted = 0;
  let wrongEntryCount = 0;
  let acknowledgedNotGranted = 0;
  let acknowledgedCount = 0;
  let creditsGranted = 0;
  plans.forEach((plan, planIndex) => {
    plan.purchases.forEach((purchase, index) => {
      const row = bySession.get(purchase.sessionId);
      const isGranted = row !== undefined && Number(row.credits_granted) === purchase.credits;
      const entries = row === undefined ? 0 : Number(row.entries);
      if (isGranted) {
        granted += 1;
        creditsGranted += purchase.credits;
      }
      if (entries !== (isGranted ? 1 : 0)) wrongEntryCount += 1;
      if (acknowledged[planIndex]?.[index]) {
        acknowledgedCount += 1;
        if (!isGranted) acknowledgedNotGranted += 1;
      }
    });
  });
  const userIds = [...new Set(plans.flatMap((plan) => plan.purchases.map((purchase) => purchase.userId)))];
  const [balances] = await database.query<{ total: string | number | null }>('select sum(credits) as total from users where id = any($1::text[])', [userIds]);
  const verifyStarted = performance.now();
  const [verification] = await database.query<{ result: { problemCount: number } }>('select verify_ledger() as result');
  const verifyLedgerMilliseconds = performance.now() - verifyStarted;
  const balanceDifference = Number(balances?.total ?? 0) - creditsGranted;
  const verifyLedgerProblems = verification!.result.problemCount;
  return {
    purchases: sessionIds.length,
    acknowledged: acknowledgedCount,
    granted,
    wrongEntryCount,
    acknowledgedNotGranted,
    balanceDifference,
    verifyLedgerProblems,
    verifyLedgerMilliseconds,
    ok: wrongEntryCount === 0 && acknowledgedNotGranted === 0 && balanceDifference === 0 && verifyLedgerProblems === 0,
  };
}
