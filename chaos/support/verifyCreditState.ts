import type { SqlExecutor } from '../../server/db/sqlDatabase.ts';
import type { CreditStormReport } from './creditStorm.ts';

export interface CreditStateReport {
  movements: number;
  movementsCorrect: number;
  holds: number;
  holdsCorrect: number;
  users: number;
  usersCorrect: number;
  expiryEntries: number;
  creditsExpired: number;
  /** Up to 20 human-readable differences. */
  mismatches: string[];
  ok: boolean;
}

/**
 * Compares the database with what the credit storm was answered, after the expiry sweep ran:
 * - every movement Topup answered with an entry has exactly that one entry under its key, and every
 *   refused one has none;
 * - every hold ended as the driver saw it (captured with the credits asked, released), or, left
 *   alone, is expired or still active within its expiry;
 * - every storm user's balance is their seed plus the movements answered plus the EXPIRY entries,
 *   and every EXPIRY entry took what was left of a lot whose expiry had passed (its remaining is 0);
 * - across all users (the purchases' too): no lot negative or above what it was granted, every
 *   lot's remaining is its grant less its draws, the lots add up to each balance (max(0, credits)),
 *   no lot was drawn by a spend after its expiry, no hold active past its expiry.
 */
export async function verifyCreditState(database: SqlExecutor, options: { storm: CreditStormReport; seedCredits: Map<string, number> }): Promise<CreditStateReport> {
  const { storm } = options;
  const mismatches: string[] = [];
  const add = (message: string) => {
    if (mismatches.length < 20) mismatches.push(message);
  };

  const entries = await database.query<{ user_id: string; idempotency_key: string; delta: string; entries: string }>(
    `select user_id, idempotency_key, sum(delta)::text as delta, count(*)::text as entries from credit_ledger
     where idempotency_key = any($1::text[]) group by user_id, idempotency_key`,
    [storm.movements.map((movement) => movement.idempotencyKey)],
  );
  const byKey = new Map(entries.map((row) => [`${row.user_id} ${row.idempotency_key}`, row]));
  let movementsCorrect = 0;
  for (const movement of storm.movements) {
    const row = byKey.get(`${movement.userId} ${movement.idempotencyKey}`);
    const found = row ? { delta: Number(row.delta), entries: Number(row.entries) } : null;
    const correct = movement.delta === null ? found === null : found !== null && found.entries === 1 && found.delta === movement.delta;
    if (correct) movementsCorrect += 1;
    else add(`${movement.operation} ${movement.idempotencyKey} for ${movement.userId}: answered ${movement.delta ?? movement.refusedWith ?? 'no entry'}, found ${JSON.stringify(found)}`);
  }

  const holdRows = await database.query<{ id: string; status: string; captured_credits: string | null; amount: string; active_past_expiry: boolean }>(
    `select id::text, status, captured_credits::text, amount::text, (status = 'active' and expires_at <= now()) as active_past_expiry
     from credit_holds where id = any($1::bigint[])`,
    [storm.holds.map((hold) => hold.holdId)],
  );
  const holdsById = new Map(holdRows.map((row) => [row.id, row]));
  let holdsCorrect = 0;
  for (const hold of storm.holds) {
    const row = holdsById.get(hold.holdId);
    const status = row?.status;
    const correct =
      row !== undefined &&
      Number(row.amount) === hold.amount &&
      !row.active_past_expiry &&
      (hold.ending === 'captured'
        ? hold.capturedCredits === null
          ? status === 'released'
          : status === 'captured' && Number(row.captured_credits) === hold.capturedCredits
        : hold.ending === 'released'
          ? status === 'released'
          : // Left alone, or the capture or release came too late: it expired (or is still within its expiry).
            status === 'expired' || status === 'active');
    if (correct) holdsCorrect += 1;
    else add(`hold ${hold.holdId} (${hold.ending}, ${hold.amount}, captured ${hold.capturedCredits}): found ${JSON.stringify(row ?? null)}`);
  }

  const expected = new Map(options.seedCredits);
  for (const movement of storm.movements) if (movement.delta !== null) expected.set(movement.userId, (expected.get(movement.userId) ?? 0) + movement.delta);
  const balances = await database.query<{ id: string; credits: string; expired: string; expiries: string }>(
    `select u.id, u.credits::text, coalesce(sum(e.delta), 0)::text as expired, count(e.id)::text as expiries
     from users u left join credit_ledger e on e.user_id = u.id and e.kind = 'expiry'
     where u.id = any($1::text[]) group by u.id`,
    [[...expected.keys()]],
  );
  let usersCorrect = 0;
  let creditsExpired = 0;
  let expiryEntries = 0;
  for (const row of balances) {
    creditsExpired -= Number(row.expired);
    expiryEntries += Number(row.expiries);
    const want = (expected.get(row.id) ?? 0) + Number(row.expired);
    if (Number(row.credits) === want) usersCorrect += 1;
    else add(`${row.id}: balance ${row.credits}, expected ${want} (seed, answered movements, ${row.expired} expired)`);
  }

  const [lots] = await database.query<{ problems: { problem: string; detail: unknown }[] | null }>(`
    select jsonb_agg(p) as problems from (
      select 'lot out of bounds' as problem, to_jsonb(l) as detail from credit_lots l where l.remaining < 0 or l.remaining > l.credits
      union all
      select 'lot remaining is not its grant less its draws', jsonb_build_object('lot', l.id, 'remaining', l.remaining, 'draws', d.total)
      from credit_lots l left join (select lot_id, sum(credits) as total from credit_lot_draws group by lot_id) d on d.lot_id = l.id
      where l.remaining <> l.credits - l.debt_repaid - l.drawn_before_lots - coalesce(d.total, 0)
      union all
      select 'lots do not add up to the balance', jsonb_build_object('user', u.id, 'credits', u.credits, 'lots', coalesce(s.total, 0))
      from users u left join (select user_id, sum(remaining) as total from credit_lots group by user_id) s on s.user_id = u.id
      where greatest(u.credits, 0) <> coalesce(s.total, 0)
      union all
      select 'a lot past its expiry still has credits after the sweep', jsonb_build_object('lot', l.id, 'remaining', l.remaining)
      from credit_lots l where l.remaining > 0 and l.expires_at <= now()
      union all
      select 'a movement drew from a lot after its expiry', jsonb_build_object('lot', l.id, 'entry', e.id, 'kind', e.kind)
      from credit_lot_draws d join credit_lots l on l.id = d.lot_id join credit_ledger e on e.id = d.entry_id
      where e.kind <> 'expiry' and l.expires_at is not null and e.created_at >= l.expires_at
      union all
      select 'an expiry that did not take what its lot had left', jsonb_build_object('entry', e.id, 'delta', e.delta, 'lot', l.id)
      from credit_ledger e left join credit_lots l on l.expiry_entry_id = e.id
      where e.kind = 'expiry' and (l.id is null or l.remaining <> 0 or l.expires_at > e.created_at)
      union all
      select 'a hold active past its expiry after the sweep', jsonb_build_object('hold', h.id) from credit_holds h where h.status = 'active' and h.expires_at <= now()
    ) p`);
  for (const problem of lots?.problems ?? []) add(`${problem.problem}: ${JSON.stringify(problem.detail)}`);

  const ok =
    movementsCorrect === storm.movements.length &&
    holdsCorrect === storm.holds.length &&
    usersCorrect === expected.size &&
    balances.length === expected.size &&
    (lots?.problems ?? []).length === 0 &&
    storm.undetermined === 0 &&
    storm.unexpected.length === 0;
  for (const unexpected of storm.unexpected.slice(0, 5)) add(`unexpected answer: ${unexpected}`);
  return {
    movements: storm.movements.length,
    movementsCorrect,
    holds: storm.holds.length,
    holdsCorrect,
    users: expected.size,
    usersCorrect,
    expiryEntries,
    creditsExpired,
    mismatches,
    ok,
  };
}

/** Runs the expiry sweep until it has nothing left: what every instance does every EXPIRY_SWEEP_SECONDS. */
export async function sweepUntilDone(database: SqlExecutor): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    const [row] = await database.query<{ result: { holdsExpired: number; usersExpired: number } }>('select sweep_expired_credits(1000) as result');
    if (row!.result.holdsExpired === 0 && row!.result.usersExpired === 0) return;
  }
}
