import type { SqlExecutor } from '../../server/db/sqlDatabase.ts';
import { expectedFinalState, type PlayedPurchase } from './playStripe.ts';

export interface FinalStateReport {
  purchases: number;
  purchasesCorrect: number;
  users: number;
  usersCorrect: number;
  creditsGrantedExpected: number;
  creditsNetExpected: number;
  duplicateGrants: number;
  verifyLedgerProblems: number;
  /** Up to 20 human-readable differences. */
  mismatches: string[];
  ok: boolean;
}

/**
 * Compares the database with what the driver computed on its own from the scenarios it played:
 * each purchase's status, credits granted, credits clawed back and amount refunded; each user's
 * balance (sum over their purchases of granted minus clawed back); no session with two PURCHASE
 * entries; and `verify_ledger()` clean.
 */
export async function verifyFinalState(database: SqlExecutor, purchases: PlayedPurchase[]): Promise<FinalStateReport> {
  const rows = await database.query<{
    session_id: string;
    status: string;
    credits_granted: string | number;
    credits_clawed_back: string | number;
    amount_refunded_minor: string | number;
    purchase_entries: string | number;
  }>(
    `select p.session_id, p.status, p.credits_granted, p.credits_clawed_back, p.amount_refunded_minor,
            coalesce(e.entries, 0) as purchase_entries
     from credit_purchases p
     left join (select purchase_session_id, count(*) as entries from credit_ledger where kind = 'purchase' group by 1) e
       on e.purchase_session_id = p.session_id
     where p.session_id = any($1::text[])`,
    [purchases.map((purchase) => purchase.sessionId)],
  );
  const bySession = new Map(rows.map((row) => [row.session_id, row]));
  const mismatches: string[] = [];
  const expectedBalances = new Map<string, number>();
  let purchasesCorrect = 0;
  let duplicateGrants = 0;
  let creditsGrantedExpected = 0;
  for (const purchase of purchases) {
    const expected = expectedFinalState(purchase);
    creditsGrantedExpected += expected.creditsGranted;
    expectedBalances.set(purchase.userId, (expectedBalances.get(purchase.userId) ?? 0) + expected.creditsGranted - expected.creditsClawedBack);
    const row = bySession.get(purchase.sessionId);
    const actual = row && {
      status: row.status,
      creditsGranted: Number(row.credits_granted),
      creditsClawedBack: Number(row.credits_clawed_back),
      amountRefundedMinor: Number(row.amount_refunded_minor),
    };
    const entries = row ? Number(row.purchase_entries) : 0;
    if (entries > 1) duplicateGrants += entries - 1;
    if (actual && JSON.stringify(actual) === JSON.stringify(expected) && entries === (expected.creditsGranted > 0 ? 1 : 0)) {
      purchasesCorrect += 1;
    } else if (mismatches.length < 20) {
      mismatches.push(`${purchase.sessionId} (${purchase.scenario}, ${purchase.credits} credits, ${purchase.amountMinor} paid, ${purchase.refundedMinor} refunded): expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual ?? null)} with ${entries} purchase entries`);
    }
  }
  const users = await database.query<{ id: string; credits: string | number }>('select id, credits from users where id = any($1::text[])', [[...expectedBalances.keys()]]);
  let usersCorrect = 0;
  for (const user of users) {
    if (Number(user.credits) === expectedBalances.get(user.id)) usersCorrect += 1;
    else if (mismatches.length < 20) mismatches.push(`${user.id}: balance ${user.credits}, expected ${expectedBalances.get(user.id)}`);
  }
  const [verification] = await database.query<{ result: { problemCount: number; problems: unknown[] } }>('select verify_ledger() as result');
  const verifyLedgerProblems = verification!.result.problemCount;
  if (verifyLedgerProblems > 0) mismatches.push(`verify_ledger: ${JSON.stringify(verification!.result.problems.slice(0, 5))}`);
  const creditsNetExpected = [...expectedBalances.values()].reduce((sum, value) => sum + value, 0);
  return {
    purchases: purchases.length,
    purchasesCorrect,
    users: expectedBalances.size,
    usersCorrect,
    creditsGrantedExpected,
    creditsNetExpected,
    duplicateGrants,
    verifyLedgerProblems,
    mismatches,
    ok:
      purchasesCorrect === purchases.length &&
      users.length === expectedBalances.size &&
      usersCorrect === expectedBalances.size &&
      duplicateGrants === 0 &&
      verifyLedgerProblems === 0,
  };
}
