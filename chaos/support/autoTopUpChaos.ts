import type Stripe from 'stripe';
import type { SqlExecutor } from '../../server/db/sqlDatabase.ts';
import type { AppReceiver } from './appReceiver.ts';
import type { StripeStage } from './playStripe.ts';

/** What the sandbox's saved card does when charged off-session (`/sandbox/customers/:id/card`). */
export type CardBehavior = 'succeed' | 'insufficient_funds' | 'card_declined' | 'authentication_required';

export interface AutoTopUpUser {
  userId: string;
  behavior: CardBehavior;
  /** The card-saving checkout: its credits are the user's opening balance. */
  setupCredits: number;
  thresholdCredits: number;
  credits: number;
  monthlyLimitMinor: number;
  customerId: string;
}

/** The chaos run's auto top-up users: one card that needs authentication, some that decline, the rest pay. */
export function planAutoTopUpUsers(count: number): Omit<AutoTopUpUser, 'customerId'>[] {
  // Short (8): 1 needs authentication, 2 insufficient funds, 5 pay. Full (16): 1, 3 insufficient funds, 1 card declined, 11 pay.
  const declining = count >= 16 ? 3 : 2;
  return Array.from({ length: count }, (_, index) => {
    const behavior: CardBehavior =
      index === 0 ? 'authentication_required' : index <= declining ? 'insufficient_funds' : index === declining + 1 && count >= 16 ? 'card_declined' : 'succeed';
    // 100 credits a top-up at USD 0.01 (100 minor units); most users may top up 6 times a month, the last only twice (it reaches its limit).
    // A card that will not pay is tried at the first spends (threshold just below the opening 200), so every run sees it refused.
    const thresholdCredits = behavior === 'succeed' ? 150 : 195;
    return { userId: `user_chaosauto${index}`, behavior, setupCredits: 200, thresholdCredits, credits: 100, monthlyLimitMinor: index === count - 1 ? 200 : 600 };
  });
}

/**
 * Gives each planned user a saved card and auto top-up, through an instance as the user would
 * (test/support/autoTopUpUser.ts): a dev token, `createCreditTopUpSession` with `saveCard`, the
 * sandbox's card payment with `saveCard` (its events reach the instances through the live relay),
 * until the card is saved and the credits granted; then the card's behaviour at the sandbox, and
 * `setAutoTopUp` with the user's threshold, credits and monthly limit.
 */
export async function setUpAutoTopUpUsers(options: {
  instanceUrl: string;
  stage: StripeStage;
  database: SqlExecutor;
  plan: Omit<AutoTopUpUser, 'customerId'>[];
  deadline: number;
}): Promise<AutoTopUpUser[]> {
  const graphql = async <Data>(token: string, query: string, variables: Record<string, unknown>): Promise<Data> => {
    const response = await fetch(`${options.instanceUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Data; errors?: unknown[] };
    if (body.errors !== undefined || body.data === undefined) throw new Error(`auto top-up setup: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
    return body.data;
  };
  const control = async (pathname: string, body: Record<string, unknown>) => {
    const response = await fetch(`${options.stage.sandbox.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`sandbox ${pathname}: ${response.status} ${(await response.text()).slice(0, 300)}`);
  };
  const users: AutoTopUpUser[] = [];
  for (const planned of options.plan) {
    const tokenResponse = await fetch(`${options.instanceUrl}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: planned.userId }) });
    if (tokenResponse.status !== 200) throw new Error(`dev token: ${tokenResponse.status} ${await tokenResponse.text()}`);
    const { token } = (await tokenResponse.json()) as { token: string };
    const created = await graphql<{ createCreditTopUpSession: { sessionId: string } }>(
      token,
      'mutation ($credits: SafeInt!) { createCreditTopUpSession(input: { credits: $credits, saveCard: true }) { sessionId } }',
      { credits: planned.setupCredits },
    );
    await control(`/sandbox/checkout/sessions/${created.createCreditTopUpSession.sessionId}/pay`, { outcome: 'paid', saveCard: true });
    let customerId: string | null = null;
    while (customerId === null) {
      const [row] = await options.database.query<{ stripe_customer_id: string; credits: string }>(
        `select c.stripe_customer_id, u.credits::text from saved_cards c join users u on u.id = c.user_id where c.user_id = $1 and c.removed_at is null`,
        [planned.userId],
      );
      if (row !== undefined && Number(row.credits) === planned.setupCredits) customerId = row.stripe_customer_id;
      else if (Date.now() > options.deadline) throw new Error(`auto top-up setup: ${planned.userId}'s card was not saved (or its credits not granted) in time`);
      else await sleep(100);
    }
    if (planned.behavior !== 'succeed') await control(`/sandbox/customers/${customerId}/card`, { behavior: planned.behavior });
    await graphql(token, 'mutation ($input: SetAutoTopUpInput!) { setAutoTopUp(input: $input) { status } }', {
      input: { enabled: true, thresholdCredits: planned.thresholdCredits, credits: planned.credits, monthlyLimitMinor: planned.monthlyLimitMinor },
    });
    users.push({ ...planned, customerId });
  }
  return users;
}

/**
 * Waits (the instances still running, the storm over) until nothing an instance could still do
 * about an auto top-up is left: no attempt processing (waiting for its payment_intent.succeeded), no
 * attempt pending and due; an attempt pending under the claim of a killed instance is waited for too
 * (it expires after 120 s), unless `deadline` comes first: then it is reported, not failed (its next
 * claim pays with the same idempotency key).
 */
export async function waitForAutoTopUpsSettled(database: SqlExecutor, options: { deadline: number; idle: () => Promise<boolean> }): Promise<{ settled: boolean; underClaim: number; open: string[] }> {
  for (;;) {
    const rows = await database.query<{ id: string; status: string; claimed: boolean }>(
      `select id::text, status, (claimed_until is not null and claimed_until > now()) as claimed from auto_top_up_attempts
       where status = 'processing' or (status = 'pending' and (next_attempt_at is null or next_attempt_at <= now()))`,
    );
    const relayIdle = await options.idle();
    if (rows.length === 0 && relayIdle) return { settled: true, underClaim: 0, open: [] };
    if (Date.now() > options.deadline) {
      const unexplained = rows.filter((row) => !(row.status === 'pending' && row.claimed));
      return { settled: unexplained.length === 0 && relayIdle, underClaim: rows.length - unexplained.length, open: unexplained.map((row) => `attempt ${row.id} ${row.status}`) };
    }
    await sleep(250);
  }
}

export interface AutoTopUpReport {
  users: number;
  /** Payment intents of auto top-ups at the sandbox, by status. */
  paymentIntents: Record<string, number>;
  succeeded: number;
  grantedOnce: number;
  creditsGranted: number;
  attemptsByStatus: Record<string, number>;
  declines: number;
  requiresAction: number;
  /** Users whose monthly total reached their limit (none may pass it). */
  usersAtLimit: number;
  /** The outbox's auto_top_up.* events, and how many of them the app acknowledged. */
  events: { succeeded: number; failed: number; requiresAction: number; acknowledged: number };
  /** Credits each user got from auto top-ups (for the balance check). */
  creditsByUser: Map<string, number>;
  problems: string[];
  ok: boolean;
}

/**
 * Checks the auto top-ups from the outside, against the sandbox's own records (its payment intents
 * and their creation requests' idempotency keys) and the app's receiver:
 * - every succeeded auto top-up payment intent was granted exactly once: one purchase keyed by it,
 *   paid, with the attempt's credits, and one PURCHASE entry of those credits for its user;
 * - no auto top-up purchase or succeeded attempt without a succeeded payment intent at the sandbox;
 * - no attempt charged twice: at most one succeeded payment intent per attempt; every payment
 *   intent created under its own idempotency key, the attempt's (`topup-auto-top-up-<id>-try-<n>`);
 * - cards that decline or need authentication were never charged; per user, the month's charges stay
 *   within the monthly limit the user set;
 * - the outbox has one auto_top_up.succeeded per succeeded attempt, one auto_top_up.failed per
 *   decline, one auto_top_up.requires_action per attempt waiting for the user, and each event up to
 *   the horizon was acknowledged by the app's default endpoint;
 * - nothing left processing (a payment whose webhook never came).
 */
export async function verifyAutoTopUps(
  database: SqlExecutor,
  options: { stripe: Stripe; users: AutoTopUpUser[]; receiver: AppReceiver; horizon: number },
): Promise<AutoTopUpReport> {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 20) problems.push(text);
  };
  const userIds = new Set(options.users.map((user) => user.userId));
  const paymentIntents: Stripe.PaymentIntent[] = [];
  for (const user of options.users) {
    for await (const paymentIntent of options.stripe.paymentIntents.list({ customer: user.customerId, limit: 100 })) {
      if (paymentIntent.metadata?.type === 'auto_top_up') paymentIntents.push(paymentIntent);
    }
  }
  const keyOf = new Map<string, string | null>();
  for await (const event of options.stripe.events.list({ type: 'payment_intent.created', limit: 100 })) {
    const object = event.data.object as Stripe.PaymentIntent;
    if (object.metadata?.type === 'auto_top_up') keyOf.set(object.id, event.request?.idempotency_key ?? null);
  }
  const byStatus: Record<string, number> = {};
  for (const paymentIntent of paymentIntents) byStatus[paymentIntent.status] = (byStatus[paymentIntent.status] ?? 0) + 1;
  const succeeded = paymentIntents.filter((paymentIntent) => paymentIntent.status === 'succeeded');

  // Idempotency: every payment intent under its attempt's own key, no key twice.
  const keysSeen = new Map<string, string>();
  for (const paymentIntent of paymentIntents) {
    const key = keyOf.get(paymentIntent.id);
    const attemptId = paymentIntent.metadata.auto_top_up_attempt_id;
    if (!key || !new RegExp(`^topup-auto-top-up-${attemptId}-try-\\d+$`).test(key)) problem(`payment intent ${paymentIntent.id} (attempt ${attemptId}) created under key ${key}`);
    else if (keysSeen.has(key)) problem(`idempotency key ${key} made two payment intents: ${keysSeen.get(key)} and ${paymentIntent.id}`);
    else keysSeen.set(key, paymentIntent.id);
  }
  const succeededPerAttempt = new Map<string, number>();
  for (const paymentIntent of succeeded) {
    const attemptId = paymentIntent.metadata.auto_top_up_attempt_id!;
    succeededPerAttempt.set(attemptId, (succeededPerAttempt.get(attemptId) ?? 0) + 1);
  }
  for (const [attemptId, count] of succeededPerAttempt) if (count > 1) problem(`attempt ${attemptId} charged ${count} times`);

  // Every succeeded payment granted once, with the attempt's credits.
  const purchases = await database.query<{ session_id: string; user_id: string; status: string; credits_granted: string; entries: string; entry_credits: string | null }>(
    `select p.session_id, p.user_id, p.status, p.credits_granted::text,
            (select count(*) from credit_ledger l where l.kind = 'purchase' and l.purchase_session_id = p.session_id)::text as entries,
            (select sum(delta) from credit_ledger l where l.kind = 'purchase' and l.purchase_session_id = p.session_id)::text as entry_credits
     from credit_purchases p
     where p.session_id = any($1::text[]) or p.session_id in (select purchase_session_id from auto_top_up_attempts) or p.session_id like 'pi\\_%'`,
    [succeeded.map((paymentIntent) => paymentIntent.id)],
  );
  const purchaseById = new Map(purchases.map((row) => [row.session_id, row]));
  const succeededIds = new Set(succeeded.map((paymentIntent) => paymentIntent.id));
  let grantedOnce = 0;
  let creditsGranted = 0;
  const creditsByUser = new Map<string, number>();
  for (const paymentIntent of succeeded) {
    const credits = Number(paymentIntent.metadata.credits_amount);
    const userId = paymentIntent.metadata.clerk_user_id!;
    const row = purchaseById.get(paymentIntent.id);
    if (row && row.user_id === userId && row.status === 'paid' && Number(row.credits_granted) === credits && Number(row.entries) === 1 && Number(row.entry_credits) === credits) {
      grantedOnce += 1;
      creditsGranted += credits;
    } else {
      problem(`payment intent ${paymentIntent.id} (${credits} credits for ${userId}) granted as ${JSON.stringify(row ?? null)}`);
    }
    creditsByUser.set(userId, (creditsByUser.get(userId) ?? 0) + credits);
  }
  for (const row of purchases) if (!succeededIds.has(row.session_id)) problem(`purchase ${row.session_id} of ${row.user_id} (${row.status}, ${row.credits_granted} credits) has no succeeded auto top-up payment at the sandbox`);

  const attempts = await database.query<{ id: string; user_id: string; status: string; tries: number; failure_code: string | null; payment_intent_id: string | null }>(
    'select id::text, user_id, status, tries, failure_code, payment_intent_id from auto_top_up_attempts',
  );
  const attemptsByStatus: Record<string, number> = {};
  for (const attempt of attempts) {
    attemptsByStatus[attempt.status] = (attemptsByStatus[attempt.status] ?? 0) + 1;
    if (!userIds.has(attempt.user_id)) problem(`attempt ${attempt.id} of ${attempt.user_id}, who never turned auto top-up on`);
    if (attempt.status === 'succeeded' && (attempt.payment_intent_id === null || !succeededIds.has(attempt.payment_intent_id))) problem(`attempt ${attempt.id} succeeded without a succeeded payment at the sandbox (${attempt.payment_intent_id})`);
    if (attempt.status !== 'succeeded' && succeededPerAttempt.has(attempt.id)) problem(`attempt ${attempt.id} is ${attempt.status} though the sandbox charged it`);
    if (attempt.status === 'processing') problem(`attempt ${attempt.id} still processing: its payment's webhook was never applied`);
  }
  for (const paymentIntent of paymentIntents) {
    if (!attempts.some((attempt) => attempt.id === paymentIntent.metadata.auto_top_up_attempt_id)) problem(`payment intent ${paymentIntent.id} names attempt ${paymentIntent.metadata.auto_top_up_attempt_id}, which does not exist`);
  }

  let usersAtLimit = 0;
  for (const user of options.users) {
    // Per calendar month (UTC), as the limit counts: a run across midnight at a month's end starts again.
    const byMonth = new Map<string, number>();
    for (const paymentIntent of succeeded) {
      if (paymentIntent.customer !== user.customerId) continue;
      const month = new Date(paymentIntent.created * 1000).toISOString().slice(0, 7);
      byMonth.set(month, (byMonth.get(month) ?? 0) + paymentIntent.amount_received);
    }
    for (const [month, total] of byMonth) if (total > user.monthlyLimitMinor) problem(`${user.userId} was charged ${total} in ${month}, above the limit ${user.monthlyLimitMinor}`);
    const charged = Math.max(0, ...byMonth.values());
    // The next top-up (its amount: its credits at USD 0.01) would not fit.
    if (charged + user.credits > user.monthlyLimitMinor) usersAtLimit += 1;
    if (user.behavior !== 'succeed' && charged > 0) problem(`${user.userId}'s card (${user.behavior}) was charged ${charged}`);
  }

  const events = await database.query<{ id: string; webhook_id: string; type: string; attempt_id: string }>(
    `select id::text, webhook_id, type, payload->'data'->>'attemptId' as attempt_id from webhook_events where type like 'auto\\_top\\_up.%'`,
  );
  const eventsOf = (type: string, attemptId: string) => events.filter((event) => event.type === type && event.attempt_id === attemptId).length;
  let declines = 0;
  let requiresAction = 0;
  for (const attempt of attempts) {
    const succeededEvents = eventsOf('auto_top_up.succeeded', attempt.id);
    if (succeededEvents !== (attempt.status === 'succeeded' ? 1 : 0)) problem(`attempt ${attempt.id} (${attempt.status}) has ${succeededEvents} auto_top_up.succeeded events`);
    const declined = attempt.failure_code === 'authentication_required' ? 0 : attempt.tries;
    declines += declined;
    const failedEvents = eventsOf('auto_top_up.failed', attempt.id);
    if (failedEvents !== declined) problem(`attempt ${attempt.id} declined ${declined} times, ${failedEvents} auto_top_up.failed events`);
    const actionEvents = eventsOf('auto_top_up.requires_action', attempt.id);
    const waits = attempt.failure_code === 'authentication_required' ? 1 : 0;
    requiresAction += waits;
    if (actionEvents !== waits) problem(`attempt ${attempt.id} (${attempt.status}, ${attempt.failure_code}) has ${actionEvents} auto_top_up.requires_action events`);
  }
  const upToHorizon = events.filter((event) => Number(event.id) <= options.horizon);
  const acknowledged = upToHorizon.filter((event) => options.receiver.flaky.acknowledged.has(event.webhook_id)).length;
  if (acknowledged !== upToHorizon.length) problem(`${upToHorizon.length - acknowledged} auto_top_up.* events never acknowledged by the app`);
  const succeedUsers = options.users.filter((user) => user.behavior === 'succeed');
  const toppedUp = succeedUsers.filter((user) => creditsByUser.has(user.userId)).length;
  if (toppedUp < succeedUsers.length) problem(`only ${toppedUp}/${succeedUsers.length} users with a paying card were topped up at all: the spends did not drive them below the threshold`);
  if (!options.users.some((user) => user.behavior === 'authentication_required' && attempts.some((attempt) => attempt.user_id === user.userId && attempt.failure_code === 'authentication_required'))) {
    problem('the card that needs authentication was never tried');
  }
  if (declines === 0) problem('no card declined: the declining cards were never tried');
  const count = (type: string) => events.filter((event) => event.type === type).length;
  return {
    users: options.users.length,
    paymentIntents: byStatus,
    succeeded: succeeded.length,
    grantedOnce,
    creditsGranted,
    attemptsByStatus,
    declines,
    requiresAction,
    usersAtLimit,
    events: { succeeded: count('auto_top_up.succeeded'), failed: count('auto_top_up.failed'), requiresAction: count('auto_top_up.requires_action'), acknowledged },
    creditsByUser,
    problems,
    ok: problems.length === 0,
  };
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
