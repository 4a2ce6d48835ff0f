import type { SqlExecutor } from '../../server/db/sqlDatabase.ts';
import { checkoutSession, eventPayload, signStripePayload, stripeEvent } from '../../test/support/stripeEvents.ts';
import { seededRandom } from './statistics.ts';

export interface BenchPurchase {
  sessionId: string;
  userId: string;
  credits: number;
  amountMinor: number;
}

/** One HTTP delivery: the exact bytes and a Stripe-Signature over them. */
export interface SignedDelivery {
  purchaseIndex: number;
  body: string;
  signature: string;
  duplicate: boolean;
}

/** The benchmark's purchases of one run: distinct sessions spread over `userCount` users, 1 cent a credit. */
export function benchPurchases(options: { run: string; count: number; userCount: number }): BenchPurchase[] {
  return Array.from({ length: options.count }, (_, index) => {
    const credits = 100 + (index % 900);
    return {
      sessionId: `cs_bench_${options.run}_${index}`,
      userId: `user_bench${index % options.userCount}`,
      credits,
      amountMinor: credits,
    };
  });
}

/**
 * Records the purchases through the server's own SQL function, `record_checkout_session` (what
 * `createTopUpSession` calls after Stripe created the session), in one statement per run so that
 * setting up thousands takes a second, not minutes. Users first (the purchase references them).
 */
export async function recordBenchPurchases(database: SqlExecutor, purchases: BenchPurchase[]): Promise<void> {
  const userIds = [...new Set(purchases.map((purchase) => purchase.userId))];
  await database.query(`insert into users (id) select unnest($1::text[]) on conflict (id) do nothing`, [userIds]);
  await database.query(
    `select count(record_checkout_session(p_session_id => s, p_user_id => u, p_credits => c, p_amount_minor => c, p_currency => 'usd'))
     from unnest($1::text[], $2::text[], $3::bigint[]) as t(s, u, c)`,
    [purchases.map((purchase) => purchase.sessionId), purchases.map((purchase) => purchase.userId), purchases.map((purchase) => purchase.credits)],
  );
}

/**
 * Signed `checkout.session.completed` deliveries for `purchases`, in the shape of Stripe's own sample
 * objects, plus `duplicateShare` of extra deliveries of the same events (same id and body, fresh
 * signature, as Stripe redelivers), each placed shortly after its original so that some race it on
 * another connection. Signed now: send within Stripe's 300-second tolerance.
 */
export function signedCompletions(options: {
  purchases: BenchPurchase[];
  run: string;
  webhookSecret: string;
  duplicateShare: number;
  seed: number;
}): SignedDelivery[] {
  const random = seededRandom(options.seed);
  const created = Math.floor(Date.now() / 1000);
  const bodies = options.purchases.map((purchase, index) => {
    const session = checkoutSession({
      sessionId: purchase.sessionId,
      userId: purchase.userId,
      credits: purchase.credits,
      amountMinor: purchase.amountMinor,
      paymentIntentId: `pi_bench_${options.run}_${index}`,
    });
    return eventPayload(stripeEvent('checkout.session.completed', session, { id: `evt_bench_${options.run}_${index}`, created }));
  });
  // Originals keep their order; a duplicate sorts 0.5 to 16.5 places after its original.
  const keyed: { key: number; purchaseIndex: number; duplicate: boolean }[] = bodies.map((_, index) => ({ key: index, purchaseIndex: index, duplicate: false }));
  const duplicateCount = Math.round((bodies.length * options.duplicateShare) / (1 - options.duplicateShare));
  for (let count = 0; count < duplicateCount; count += 1) {
    const purchaseIndex = Math.floor(random() * bodies.length);
    keyed.push({ key: purchaseIndex + 0.5 + random() * 16, purchaseIndex, duplicate: true });
  }
  keyed.sort((a, b) => a.key - b.key);
  return keyed.map(({ purchaseIndex, duplicate }) => {
    const body = bodies[purchaseIndex]!;
    return { purchaseIndex, body, duplicate, signature: signStripePayload(body, options.webhookSecret) };
  });
}
