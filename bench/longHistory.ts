import type { SqlDatabase } from '../server/db/sqlDatabase.ts';
import { seedLedgerHistory } from '../test/support/seedLedgerHistory.ts';
import { signStripePayload } from '../test/support/stripeEvents.ts';
import { benchPurchases, recordBenchPurchases, signedCompletions, type BenchPurchase } from './support/checkoutEvents.ts';
import { devToken } from './support/graphqlClient.ts';
import { median } from './support/statistics.ts';
import { measureDeepPages, type PageLatency } from './deepPage.ts';
import { seedSpendUsers } from './spendThroughput.ts';

/** Whose request: the user holding the whole history, or a user with a handful of entries beside it. */
export type HistoryUser = 'history user' | 'other user';

export interface PathTimes {
  path: 'me { credits }' | 'spendCredits' | 'webhook checkout.session.completed';
  user: HistoryUser;
  medianMilliseconds: number;
  samples: number[];
}

export interface HistorySizeResult {
  /** Rows in credit_ledger when measured. */
  ledgerRows: number;
  /** How long appending the rows that got the table to this size took (one INSERT ... SELECT generate_series, then statistics). */
  seedSeconds: number;
  appendedRows: number;
  pages: PageLatency[];
  paths: PathTimes[];
}

export interface LongHistory {
  historyUserId: string;
  otherUserId: string;
  firstId: number;
}

/**
 * Two users with a real grant each (a lot of 100,000,000 credits, through `grant_credits`, so spends
 * draw from it): the one every seeded row will belong to, and one who keeps a short history.
 */
export async function prepareLongHistory(database: SqlDatabase): Promise<LongHistory> {
  const [historyUserId] = await seedSpendUsers(database, { prefix: 'user_longhistory', count: 1 });
  const [otherUserId] = await seedSpendUsers(database, { prefix: 'user_shorthistory', count: 1 });
  const [row] = await database.query<{ first_id: string }>('select min(id) as first_id from credit_ledger where user_id = $1', [historyUserId]);
  return { historyUserId: historyUserId!, otherUserId: otherUserId!, firstId: Number(row!.first_id) };
}

/**
 * Appends rows to the history user until credit_ledger holds `ledgerRows` (set-based:
 * `seedLedgerHistory`, one INSERT ... SELECT generate_series with running balances, then fresh
 * statistics), and says how long that took.
 */
export async function growHistoryTo(database: SqlDatabase, history: LongHistory, ledgerRows: number): Promise<{ seedSeconds: number; appendedRows: number; ledgerRows: number }> {
  const before = await countLedgerRows(database);
  const appendedRows = Math.max(0, ledgerRows - before);
  const started = performance.now();
  if (appendedRows > 0) {
    // The balance-alert judgement is a deferred trigger: one call per row at commit, which for
    // 10,000,000 rows in one transaction took longer than writing them. These rows only raise the
    // balance, so no alert can fire for them; in a real history each movement was judged at its
    // own commit. Off for this scratch database during the insert only (the server is idle then).
    await database.exec('alter table credit_ledger disable trigger credit_ledger_balance_alerts');
    try {
      await seedLedgerHistory(database, { userId: history.historyUserId, entries: appendedRows, actor: 'system' });
    } finally {
      await database.exec('alter table credit_ledger enable trigger credit_ledger_balance_alerts');
    }
  }
  return { seedSeconds: (performance.now() - started) / 1000, appendedRows, ledgerRows: await countLedgerRows(database) };
}

async function countLedgerRows(database: SqlDatabase): Promise<number> {
  const [row] = await database.query<{ rows: string }>('select count(*)::text as rows from credit_ledger');
  return Number(row!.rows);
}

/** Purchases recorded up front for the webhook samples of every size: `perUser` for each of the two users. */
export async function recordHistoryPurchases(database: SqlDatabase, history: LongHistory, options: { run: string; perUser: number }): Promise<Record<HistoryUser, BenchPurchase[]>> {
  const purchasesOf = (userId: string, suffix: string) =>
    benchPurchases({ run: `${options.run}${suffix}`, count: options.perUser, userCount: 1 }).map((purchase) => ({ ...purchase, userId }));
  const purchases = { 'history user': purchasesOf(history.historyUserId, 'h'), 'other user': purchasesOf(history.otherUserId, 'o') };
  await recordBenchPurchases(database, [...purchases['history user'], ...purchases['other user']]);
  return purchases;
}

/**
 * At the table's current size: the deep page vs the first (`measureDeepPages`, the 21st-oldest
 * entry's cursor), then `me { credits }`, one `spendCredits` (service key, fresh key) and one
 * signed webhook for a recorded purchase (each a grant), for the history user and the other user,
 * one request at a time, interleaved so every path meets the same noise. Medians of `samples`.
 */
export async function measureHistoryPaths(options: {
  url: string;
  database: SqlDatabase;
  history: LongHistory;
  serviceKey: string;
  webhookSecret: string;
  /** Unused purchases of each user; this call takes `samples` + 3 of each. */
  purchases: Record<HistoryUser, BenchPurchase[]>;
  samples: number;
  label: string;
}): Promise<{ pages: PageLatency[]; paths: PathTimes[] }> {
  const { history } = options;
  const lastRow = await options.database.query<{ last_id: string }>('select max(id) as last_id from credit_ledger');
  const adminToken = await devToken(options.url, 'user_benchadmin', 'admin');
  const pages = await measureDeepPages({
    url: options.url,
    adminToken,
    database: options.database,
    userId: history.historyUserId,
    history: { firstId: history.firstId, lastId: Number(lastRow[0]!.last_id) },
    samples: options.samples,
  });
  const users: [HistoryUser, string][] = [
    ['history user', history.historyUserId],
    ['other user', history.otherUserId],
  ];
  const tokens = new Map<HistoryUser, string>();
  for (const [user, userId] of users) tokens.set(user, await devToken(options.url, userId));
  const deliveries = new Map(
    users.map(([user]) => [
      user,
      signedCompletions({ purchases: options.purchases[user].splice(0, options.samples + 3), run: `${options.label}${user[0]}`, webhookSecret: options.webhookSecret, duplicateShare: 0, seed: 1 }),
    ]),
  );
  let spendKey = 0;
  const requests: { path: PathTimes['path']; run: (user: HistoryUser, userId: string) => Promise<void> }[] = [
    { path: 'me { credits }', run: (user) => post(options.url, '/graphql', tokens.get(user)!, JSON.stringify({ query: '{ me { credits } }' })) },
    {
      path: 'spendCredits',
      run: (_user, userId) => {
        spendKey += 1;
        return post(
          options.url,
          '/graphql',
          options.serviceKey,
          JSON.stringify({
            query: 'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { id balanceAfter } }',
            variables: { input: { userId, amount: 1, reason: 'bench history', idempotencyKey: `history:${options.label}:${spendKey}` } },
          }),
        );
      },
    },
    {
      path: 'webhook checkout.session.completed',
      run: async (user) => {
        const delivery = deliveries.get(user)!.shift()!;
        await postWebhook(options.url, delivery.body, options.webhookSecret);
      },
    },
  ];
  const samples = new Map<string, number[]>();
  for (let index = 0; index < options.samples + 3; index += 1) {
    for (const request of requests) {
      for (const [user, userId] of users) {
        const started = performance.now();
        await request.run(user, userId);
        // The first three rounds warm caches and connections; they are not counted.
        if (index >= 3) samples.set(`${request.path}|${user}`, [...(samples.get(`${request.path}|${user}`) ?? []), performance.now() - started]);
      }
    }
  }
  const paths: PathTimes[] = [...samples.entries()].map(([key, values]) => {
    const [path, user] = key.split('|') as [PathTimes['path'], HistoryUser];
    return { path, user, medianMilliseconds: median(values), samples: values };
  });
  return { pages, paths };
}

async function post(url: string, path: string, token: string, body: string): Promise<void> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const text = await response.text();
  if (!response.ok || text.includes('"errors"')) throw new Error(`${path} ${response.status}: ${text.slice(0, 300)}`);
}

async function postWebhook(url: string, body: string, webhookSecret: string): Promise<void> {
  const response = await fetch(`${url}/api/stripe/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signStripePayload(body, webhookSecret) },
    body,
  });
  if (!response.ok) throw new Error(`webhook ${response.status}: ${(await response.text()).slice(0, 300)}`);
}
