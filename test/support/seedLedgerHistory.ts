import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';

/**
 * Writes a long, consistent history fast, for pagination tests and benchmarks: `entries` adjustment
 * rows of +1 credit for one user in one statement (running balances included), then the balance.
 * It bypasses apply_credit_movement for speed only; verify_ledger still holds afterwards.
 */
export async function seedLedgerHistory(
  database: SqlDatabase,
  options: { userId: string; entries: number; actor?: string },
): Promise<void> {
  await database.transaction(async (transaction) => {
    await transaction.query(`insert into users (id) values ($1) on conflict (id) do nothing`, [options.userId]);
    const [user] = await transaction.query<{ credits: string | number }>(
      'select credits from users where id = $1 for update',
      [options.userId],
    );
    const opening = Number(user!.credits);
    await transaction.query(
      `insert into credit_ledger (user_id, delta, balance_after, kind, reason, actor, source_type)
       select $1, 1, $2::bigint + n, 'adjustment', 'seeded history', $4, 'admin'
       from generate_series(1, $3::integer) as n`,
      [options.userId, opening, options.entries, options.actor ?? 'system'],
    );
    await transaction.query('update users set credits = credits + $2, last_credit_update = now() where id = $1', [
      options.userId,
      options.entries,
    ]);
  });
  // Fresh statistics, as autovacuum would give a long-running server: without them the planner may
  // sort the whole history for a deep page.
  await database.query('select refresh_statistics()');
}
