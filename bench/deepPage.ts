import type { SqlDatabase } from '../server/db/sqlDatabase.ts';
import { encodeCursor } from '../server/ledger/pagination.ts';
import { seedLedgerHistory } from '../test/support/seedLedgerHistory.ts';
import { median, percentile } from './support/statistics.ts';

export interface PageLatency {
  variant: string;
  firstPageMedianMilliseconds: number;
  deepPageMedianMilliseconds: number;
  firstPageP99Milliseconds: number;
  deepPageP99Milliseconds: number;
  /** deep / first, medians. */
  ratio: number;
  /** How many rows the deep page's cursor skips. */
  depth: number;
  /** EXPLAIN ANALYZE of the statement `list_ledger_entries` runs for the deep page. */
  deepPlan: string[];
}

const pageQuery = `query ($first: Int, $after: String, $filter: AdminLedgerFilter) {
  ledgerEntries(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id userId delta balanceAfter kind reason actor createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * Appends `entries` rows of history for one user in one INSERT ... SELECT generate_series
 * (`seedLedgerHistory`: the ledger is append-only, so inserting is allowed), then ANALYZE so the
 * planner knows the table's size, as autovacuum would soon after.
 */
export async function seedHistory(database: SqlDatabase, options: { userId: string; entries: number }): Promise<{ firstId: number; lastId: number }> {
  await seedLedgerHistory(database, { userId: options.userId, entries: options.entries, actor: 'system' });
  await database.exec('analyze credit_ledger');
  const [row] = await database.query<{ first_id: string; last_id: string }>(
    'select min(id) as first_id, max(id) as last_id from credit_ledger where user_id = $1',
    [options.userId],
  );
  return { firstId: Number(row!.first_id), lastId: Number(row!.last_id) };
}

/**
 * Latency of the first page and of a page near the end of the history (the cursor of the 21st
 * oldest entry: every newer row lies before it), requested alternately and one at a time, so both
 * meet the same noise. Variants: no filter, by user, by kind.
 */
export async function measureDeepPages(options: {
  url: string;
  adminToken: string;
  database: SqlDatabase;
  userId: string;
  history: { firstId: number; lastId: number };
  samples: number;
}): Promise<PageLatency[]> {
  const deepCursorId = options.history.firstId + 21;
  const variants: { variant: string; filter: Record<string, unknown> | null; sqlFilter: string; sqlParameters: unknown[] }[] = [
    { variant: 'no filter', filter: null, sqlFilter: '', sqlParameters: [] },
    { variant: 'filter userId', filter: { userId: options.userId }, sqlFilter: 'and e.user_id = $2', sqlParameters: [options.userId] },
    { variant: 'filter kinds [ADJUSTMENT]', filter: { kinds: ['ADJUSTMENT'] }, sqlFilter: 'and e.kind = any($2)', sqlParameters: [['adjustment']] },
  ];
  const results: PageLatency[] = [];
  for (const variant of variants) {
    const first: number[] = [];
    const deep: number[] = [];
    const deepCursor = encodeCursor('ledger', String(deepCursorId));
    // Warm-up: parse and validation caches, connections, the index pages in PostgreSQL's buffers.
    for (let index = 0; index < 5; index += 1) {
      await timedPage(options, { first: 20, filter: variant.filter });
      await timedPage(options, { first: 20, after: deepCursor, filter: variant.filter });
    }
    for (let index = 0; index < options.samples; index += 1) {
      first.push(await timedPage(options, { first: 20, filter: variant.filter }));
      deep.push(await timedPage(options, { first: 20, after: deepCursor, filter: variant.filter }));
    }
    const plan = await options.database.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers, costs off) select e.* from credit_ledger e where e.id < $1 ${variant.sqlFilter} order by e.id desc limit 21`,
      [deepCursorId, ...variant.sqlParameters],
    );
    const firstMedian = median(first);
    const deepMedian = median(deep);
    results.push({
      variant: variant.variant,
      firstPageMedianMilliseconds: firstMedian,
      deepPageMedianMilliseconds: deepMedian,
      firstPageP99Milliseconds: percentile(first, 0.99),
      deepPageP99Milliseconds: percentile(deep, 0.99),
      ratio: deepMedian / firstMedian,
      depth: options.history.lastId - deepCursorId + 1,
      deepPlan: plan.map((row) => row['QUERY PLAN']),
    });
  }
  return results;
}

async function timedPage(
  options: { url: string; adminToken: string },
  variables: { first: number; after?: string; filter: Record<string, unknown> | null },
): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${options.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.adminToken}` },
    body: JSON.stringify({ query: pageQuery, variables }),
  });
  const body = (await response.json()) as { data?: { ledgerEntries: { edges: unknown[] } }; errors?: unknown };
  const elapsed = performance.now() - started;
  if (!response.ok || body.errors || body.data?.ledgerEntries.edges.length !== 20) {
    throw new Error(`ledgerEntries page failed: ${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return elapsed;
}
