import { describe, expect, it } from 'vitest';
import { TopupError } from '../../server/errors.ts';
import { storageKindsUnderTest, testStorageForSuite, type TestStorage } from '../support/testStorage.ts';

// Proves the lot and hold rules against a small model written separately here: random sequences of
// promotional grants (with and without expiry), purchases, spends, negative and positive
// adjustments, holds, captures, releases, refunds (record_payment_state, the webhook's SQL) and clock
// jumps (the test-only ledger_clock_skew), on a fresh user per sequence. After every step the
// balance, heldCredits, every lot (kind, credits, remaining, expiring or not, consumption order),
// every hold's status and the per-user invariants (deltas sum to the stored balance, lots add up to
// it, each lot is its grant less its draws) must match the model; verify_ledger() after every
// sequence. Seeded: LOTS_PROPERTY_SEED=<seed> reproduces a failure, whose message names the seed.

const sequences = Number(process.env.LOTS_PROPERTY_SEQUENCES ?? 200);
const stepsPerSequence = 50;
const hourMilliseconds = 3_600_000;

/** mulberry32: small, seedable, good enough to pick steps. */
function randomFrom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

interface ModelLot {
  seq: number;
  kind: 'purchase' | 'promotion';
  credits: number;
  remaining: number;
  /** Model hour at which it expires, or null. */
  expiresHour: number | null;
  sessionId: string | null;
}
interface ModelHold {
  dbId: string;
  amount: number;
  status: 'active' | 'captured' | 'released';
  expiresHour: number;
}
interface ModelPurchase {
  sessionId: string;
  paymentIntentId: string;
  credits: number;
  refunded: number;
}

/** The model: what the ledger must say, computed without SQL. */
class Model {
  balance = 0;
  lots: ModelLot[] = [];
  holds: ModelHold[] = [];
  purchases: ModelPurchase[] = [];
  private seq = 0;
  constructor(public hour: number) {}

  expire(): void {
    for (const lot of this.lots) {
      if (lot.expiresHour !== null && lot.expiresHour <= this.hour && lot.remaining > 0) {
        this.balance -= lot.remaining;
        lot.remaining = 0;
      }
    }
  }
  holdStatus(hold: ModelHold): string {
    return hold.status === 'active' && hold.expiresHour <= this.hour ? 'expired' : hold.status;
  }
  held(except?: ModelHold): number {
    return this.holds.filter((hold) => hold !== except && this.holdStatus(hold) === 'active').reduce((sum, hold) => sum + hold.amount, 0);
  }
  available(except?: ModelHold): number {
    return Math.max(0, this.balance - this.held(except));
  }
  ordered(lots: ModelLot[]): ModelLot[] {
    const kindRank = (lot: ModelLot) => (lot.kind === 'promotion' ? 0 : 1);
    return [...lots].sort((a, b) => (a.expiresHour ?? Infinity) - (b.expiresHour ?? Infinity) || kindRank(a) - kindRank(b) || a.seq - b.seq);
  }
  grant(credits: number, kind: ModelLot['kind'], expiresHour: number | null, sessionId: string | null): void {
    const repaid = Math.min(credits, Math.max(0, -this.balance));
    this.lots.push({ seq: this.seq++, kind, credits, remaining: credits - repaid, expiresHour, sessionId });
    this.balance += credits;
  }
  take(credits: number, sessionId: string | null = null): void {
    let left = credits;
    const live = this.ordered(this.lots.filter((lot) => lot.remaining > 0));
    const own = live.filter((lot) => sessionId !== null && lot.sessionId === sessionId);
    for (const lot of [...own, ...live.filter((lot) => !own.includes(lot))]) {
      const take = Math.min(left, lot.remaining);
      lot.remaining -= take;
      left -= take;
    }
    this.balance -= credits;
  }
}

type Outcome = 'ok' | string;

async function outcomeOf(action: () => Promise<unknown>): Promise<Outcome> {
  try {
    await action();
    return 'ok';
  } catch (error) {
    if (error instanceof TopupError) return error.code;
    throw error;
  }
}

interface Observed {
  user: { credits: number; heldCredits: number };
  lots: { kind: string; credits: number; remaining: number; expiresAt: string | null }[];
  holds: { id: string; status: string; amount: number }[];
  deltaSum: number;
  stored: number;
  lotSum: number;
  lotMismatches: number;
}

async function observe(test: TestStorage, userId: string): Promise<Observed> {
  const rows = await test.database.query<{ o: Observed }>(
    `select jsonb_build_object(
       'user', find_user($1), 'lots', list_lots($1, true), 'holds', list_holds($1),
       'deltaSum', (select coalesce(sum(delta), 0) from credit_ledger where user_id = $1),
       'stored', (select credits from users where id = $1),
       'lotSum', (select coalesce(sum(remaining), 0) from credit_lots where user_id = $1),
       'lotMismatches', (select count(*) from credit_lots l where l.user_id = $1 and l.remaining <>
          l.credits - l.debt_repaid - l.drawn_before_lots - coalesce((select sum(d.credits) from credit_lot_draws d where d.lot_id = l.id), 0))
     ) as o`,
    [userId],
  );
  return rows[0]!.o;
}

describe.each(storageKindsUnderTest())('credit lots and holds against a model on %s', (kind) => {
  const storage = testStorageForSuite(kind);

  it(`agrees with the model after every step of ${sequences} random sequences of ${stepsPerSequence} steps`, { timeout: 600_000 }, async () => {
    const seed = Number(process.env.LOTS_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 32));
    const random = randomFrom(seed);
    const test = storage();
    const call = (name: string, args: Record<string, unknown>) => test.storage.call(name, args);
    let hour = 0;
    let key = 0;
    const setClock = (toHour: number) =>
      test.database.query(
        `insert into ledger_clock_skew (skew) values (make_interval(hours => $1::int))
         on conflict (only_row) do update set skew = excluded.skew`,
        [toHour],
      );

    for (let sequence = 0; sequence < sequences; sequence++) {
      const userId = `user_prop_${sequence}`;
      await call('ensure_user', { p_user_id: userId, p_email: null });
      const model = new Model(hour);
      for (let step = 0; step < stepsPerSequence; step++) {
        const where = `seed ${seed}, sequence ${sequence}, step ${step} (LOTS_PROPERTY_SEED=${seed} reproduces it)`;
        const choice = random(100);
        const actor = 'service:prop';
        const k = `k${key++}`;
        let expected: Outcome = 'ok';
        let actual: Outcome;
        model.expire();
        if (choice < 16) {
          const credits = 1 + random(50);
          const expiresHour = random(3) === 0 ? null : model.hour + 1 + random(4);
          const expiresAt = expiresHour === null ? null : new Date(Date.now() + expiresHour * hourMilliseconds - 1000).toISOString();
          actual = await outcomeOf(() => call('grant_promotional_credits', { p_user_id: userId, p_credits: credits, p_reason: 'p', p_expires_at: expiresAt, p_actor: actor, p_idempotency_key: k }));
          model.grant(credits, 'promotion', expiresHour, null);
        } else if (choice < 26) {
          const credits = 1 + random(100);
          const purchase = { sessionId: `cs_prop_${sequence}_${step}`, paymentIntentId: `pi_prop_${sequence}_${step}`, credits, refunded: 0 };
          await call('record_checkout_session', { p_session_id: purchase.sessionId, p_user_id: userId, p_credits: credits, p_amount_minor: credits, p_currency: 'usd' });
          actual = await outcomeOf(() =>
            call('settle_checkout_session', {
              p_settlement: { sessionId: purchase.sessionId, outcome: 'paid', amountPaidMinor: credits, currency: 'usd', paymentIntentId: purchase.paymentIntentId },
            }),
          );
          model.purchases.push(purchase);
          model.grant(credits, 'purchase', null, purchase.sessionId);
        } else if (choice < 44) {
          const amount = 1 + random(60);
          const adjust = random(4) === 0;
          expected = amount > model.available() ? 'INSUFFICIENT_CREDITS' : 'ok';
          actual = await outcomeOf(() =>
            adjust
              ? call('adjust_credits', { p_user_id: userId, p_delta: -amount, p_reason: 'fix', p_actor: actor, p_idempotency_key: k })
              : call('spend_credits', { p_user_id: userId, p_amount: amount, p_reason: 's', p_actor: actor, p_idempotency_key: k }),
          );
          if (expected === 'ok') model.take(amount);
        } else if (choice < 48) {
          const credits = 1 + random(30);
          actual = await outcomeOf(() => call('adjust_credits', { p_user_id: userId, p_delta: credits, p_reason: 'gift', p_actor: actor, p_idempotency_key: k }));
          model.grant(credits, 'promotion', null, null);
        } else if (choice < 62) {
          const amount = 1 + random(40);
          const hours = 1 + random(3);
          expected = amount > model.available() ? 'INSUFFICIENT_CREDITS' : 'ok';
          let holdId = '';
          actual = await outcomeOf(async () => {
            holdId = ((await call('reserve_credits', { p_user_id: userId, p_amount: amount, p_reason: 'h', p_actor: actor, p_idempotency_key: k, p_expires_in_seconds: hours * 3600 })) as { id: string }).id;
          });
          if (expected === 'ok') model.holds.push({ dbId: holdId, amount, status: 'active', expiresHour: model.hour + hours });
        } else if (choice < 72 && model.holds.length > 0) {
          const hold = model.holds[random(model.holds.length)]!;
          const amount = 1 + random(hold.amount);
          const status = model.holdStatus(hold);
          expected = status !== 'active' ? 'HOLD_NOT_ACTIVE' : amount > model.available(hold) ? 'INSUFFICIENT_CREDITS' : 'ok';
          actual = await outcomeOf(() => call('capture_credits', { p_hold_id: hold.dbId, p_amount: amount, p_actor: actor, p_idempotency_key: k }));
          if (expected === 'ok') {
            hold.status = 'captured';
            model.take(amount);
          }
        } else if (choice < 78 && model.holds.length > 0) {
          const hold = model.holds[random(model.holds.length)]!;
          const status = model.holdStatus(hold);
          expected = status === 'active' || status === 'released' ? 'ok' : 'HOLD_NOT_ACTIVE';
          actual = await outcomeOf(() => call('release_credits', { p_hold_id: hold.dbId }));
          if (expected === 'ok') hold.status = 'released';
        } else if (choice < 86 && model.purchases.some((purchase) => purchase.refunded < purchase.credits)) {
          const open = model.purchases.filter((purchase) => purchase.refunded < purchase.credits);
          const purchase = open[random(open.length)]!;
          const credits = 1 + random(purchase.credits - purchase.refunded);
          purchase.refunded += credits;
          actual = await outcomeOf(() => call('record_payment_state', { p_payment_intent_id: purchase.paymentIntentId, p_amount_refunded_minor: purchase.refunded }));
          model.take(credits, purchase.sessionId);
        } else if (choice < 94) {
          hour += 1 + random(2);
          model.hour = hour;
          await setClock(hour);
          actual = 'ok';
          model.expire();
        } else {
          actual = await outcomeOf(() => call('sweep_expired_credits', { p_limit: 100 }));
        }
        expect(actual, `outcome at ${where}`).toBe(expected);

        model.expire();
        const observed = await observe(test, userId);
        expect(observed.user.credits, `credits at ${where}`).toBe(model.balance);
        expect(observed.user.heldCredits, `heldCredits at ${where}`).toBe(model.held());
        expect(Math.max(0, observed.user.credits - observed.user.heldCredits), `available at ${where}`).toBe(model.available());
        expect(
          observed.lots.map((lot) => [lot.kind, lot.credits, lot.remaining, lot.expiresAt !== null]),
          `lots in consumption order at ${where}`,
        ).toEqual(model.ordered(model.lots).map((lot) => [lot.kind, lot.credits, lot.remaining, lot.expiresHour !== null]));
        expect(
          observed.holds.map((hold) => [hold.id, hold.status, hold.amount]),
          `holds at ${where}`,
        ).toEqual([...model.holds].reverse().map((hold) => [hold.dbId, model.holdStatus(hold), hold.amount]));
        expect(observed.deltaSum, `deltas sum to the stored balance at ${where}`).toBe(observed.stored);
        expect(observed.lotSum, `lots add up to the stored balance at ${where}`).toBe(Math.max(0, observed.stored));
        expect(observed.lotMismatches, `each lot is its grant less its draws at ${where}`).toBe(0);
      }
      const verification = await test.database.query<{ v: { problemCount: number; problems: unknown[] } }>('select verify_ledger() as v');
      expect(verification[0]!.v.problems, `verify_ledger after sequence ${sequence}, seed ${seed}`).toEqual([]);
    }
  });
});
