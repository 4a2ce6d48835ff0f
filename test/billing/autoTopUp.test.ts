import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reconcileAutoTopUps } from '../../server/billing/autoTopUp/reconcileAutoTopUps.ts';
import { createLogger } from '../../server/log.ts';
import { readAutoTopUp, setAutoTopUp, spend, storageFailing, userWithSavedCard } from '../support/autoTopUpUser.ts';
import { createManualWebhookClock } from '../support/manualWebhookClock.ts';
import { startTestTopup, testAdminUserId, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

/** The auto top-up payment intents Stripe (the sandbox) holds for a customer. */
async function autoTopUpPayments(server: TestTopup, customerId: string): Promise<Stripe.PaymentIntent[]> {
  const listed = await server.topup.stripe.paymentIntents.list({ customer: customerId, limit: 100 });
  return listed.data.filter((paymentIntent) => paymentIntent.metadata.type === 'auto_top_up');
}

async function count(server: TestTopup, sql: string, params: unknown[]): Promise<number> {
  const [row] = await server.database!.query<{ count: string | number }>(sql, params);
  return Number(row?.count ?? 0);
}

const purchaseGrants = (server: TestTopup, userId: string) =>
  count(server, "select count(*) from credit_ledger where user_id = $1 and kind = 'purchase'", [userId]);
const events = (server: TestTopup, userId: string, type: string) =>
  count(server, 'select count(*) from webhook_events where user_id = $1 and type = $2', [userId, type]);
const balance = async (server: TestTopup, userId: string) =>
  Number((await server.database!.query<{ credits: string | number }>('select credits from users where id = $1', [userId]))[0]?.credits);

describe.each(storageKindsUnderTest())('auto top-up on %s', (kind) => {
  const clock = createManualWebhookClock();
  let failing = new Set<string>();
  let server: TestTopup;

  beforeAll(async () => {
    server = await startTestTopup({
      kind,
      webhookClock: clock,
      // The tests drive the worker (runOnce) so each step is explicit.
      environment: { AUTO_TOP_UP_WORKER_INTERVAL_MS: '0' },
      wrapStorage: (storage) => storageFailing(storage, ['record_auto_top_up_payment', 'apply_auto_top_up_event'], (functionName) => failing.has(functionName)),
    });
  });
  afterAll(async () => {
    // Every purchase an auto top-up made passes the ledger's own check (one grant, lots that add up).
    const [verified] = (await server?.database?.query<{ verify_ledger: { problemCount: number; problems: unknown[] } }>('select verify_ledger()')) ?? [];
    await server?.close();
    expect(verified?.verify_ledger.problems).toEqual([]);
  });
  afterEach(async () => {
    failing = new Set();
    await server.webhooksDelivered();
    await server.database!.query('delete from ledger_clock_skew');
    // A test that failed half-way leaves no attempt due for the next test's worker rounds to claim.
    await server.database!.query("update auto_top_up_attempts set status = 'canceled', finished_at = now() where status in ('pending', 'processing')");
  });

  it('saves the card at checkout, pays one top-up off-session when a spend crosses the threshold, and grants it once as a purchase', async () => {
    // Proves the money path end to end through the real SDK and signed webhooks: checkout with saveCard stores visa 4242, PAYMENT_METHOD_REQUIRED before it, one attempt from the crossing spend, the worker's payment, the payment_intent.succeeded grant with its purchase lot and event, and replays of that event granting nothing more.
    const userId = 'user_atuhappy';
    const noCard = await server.devToken({ userId: 'user_atunocard' });
    const refused = await setAutoTopUp(server, noCard, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('PAYMENT_METHOD_REQUIRED');

    const { token, customerId } = await userWithSavedCard(server, userId, 500);
    expect((await readAutoTopUp(server, token)).paymentMethod).toEqual({ brand: 'visa', last4: '4242' });
    const saved = await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    expect(saved.body.data?.setAutoTopUp).toMatchObject({ enabled: true, status: 'ACTIVE', amountMinor: 500, currency: 'usd', pendingAttempt: null });

    expect((await spend(server, userId, 399, 'happy-1')).body.errors).toBeUndefined();
    expect((await readAutoTopUp(server, token)).pendingAttempt).toBeNull();
    expect((await spend(server, userId, 2, 'happy-2')).body.errors).toBeUndefined();
    expect((await readAutoTopUp(server, token)).pendingAttempt).toMatchObject({ status: 'PENDING', credits: 500 });

    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    await server.webhooksDelivered();
    expect(await balance(server, userId)).toBe(99 + 500);
    const payments = await autoTopUpPayments(server, customerId);
    expect(payments).toHaveLength(1);
    const paymentIntentId = payments[0]!.id;
    const [purchase] = await server.database!.query<{ status: string; credits: string | number; payment_intent_id: string }>(
      'select status, credits, payment_intent_id from credit_purchases where session_id = $1',
      [paymentIntentId],
    );
    expect(purchase).toMatchObject({ status: 'paid', payment_intent_id: paymentIntentId });
    expect(await count(server, "select count(*) from credit_lots where purchase_session_id = $1 and kind = 'purchase'", [paymentIntentId])).toBe(1);
    expect(await events(server, userId, 'auto_top_up.succeeded')).toBe(1);
    expect(await readAutoTopUp(server, token)).toMatchObject({ status: 'ACTIVE', spentThisMonthMinor: 500, pendingAttempt: null, lastError: null });
    // The owner looks it up like a checkout, by its payment intent id; another user cannot.
    const topUpQuery = 'query ($id: ID!) { topUp(sessionId: $id) { sessionId status credits creditsGranted } }';
    const looked = await server.graphql<{ topUp: unknown }>(topUpQuery, { token, variables: { id: paymentIntentId } });
    expect(looked.body.data?.topUp).toEqual({ sessionId: paymentIntentId, status: 'PAID', credits: 500, creditsGranted: 500 });
    const other = await server.graphql(topUpQuery, { token: noCard, variables: { id: paymentIntentId } });
    const madeUp = await server.graphql(topUpQuery, { token: noCard, variables: { id: 'pi_doesnotexist' } });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(other.body.errors?.[0]?.message).toBe(madeUp.body.errors?.[0]?.message);

    // Replayed and re-sent events of the same payment grant nothing more.
    const succeeded = (await server.topup.stripe.events.list({ type: 'payment_intent.succeeded', limit: 10 })).data.find(
      (event) => (event.data.object as Stripe.PaymentIntent).id === paymentIntentId,
    )!;
    await server.sandbox(`/sandbox/events/${succeeded.id}/resend`);
    await server.webhooksDelivered();
    await server.topup.billing.handleStripeEvent({ ...succeeded, id: `${succeeded.id}_other_delivery` });
    expect(await purchaseGrants(server, userId)).toBe(2);
    expect(await balance(server, userId)).toBe(599);

    // A refund claws back like a checkout's: the purchase is keyed by the payment intent.
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    const refunded = await server.graphql('mutation ($input: RefundTopUpInput!) { refundTopUp(input: $input) { credits } }', {
      token: admin,
      variables: { input: { sessionId: paymentIntentId, credits: 100 } },
    });
    expect(refunded.body.errors).toBeUndefined();
    await server.webhooksDelivered();
    expect(await balance(server, userId)).toBe(499);
    expect(await count(server, "select count(*) from credit_ledger where purchase_session_id = $1 and kind = 'refund'", [paymentIntentId])).toBe(1);
  });

  it('waits for the user when the card needs authentication: REQUIRES_ACTION, one event, no new attempt until a checkout resolves it', async () => {
    // Proves the authentication_required path: the sandbox's 402 makes the attempt and the status REQUIRES_ACTION with the event's data, later spends and worker rounds make no payment, and an on-session checkout makes it ACTIVE again.
    const userId = 'user_atu3ds';
    const { token, customerId } = await userWithSavedCard(server, userId, 500);
    await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    await server.sandbox(`/sandbox/customers/${customerId}/card`, { behavior: 'authentication_required' });
    await spend(server, userId, 450, '3ds-1');
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    await server.webhooksDelivered();
    const state = await readAutoTopUp(server, token);
    expect(state).toMatchObject({ status: 'REQUIRES_ACTION', enabled: true, pendingAttempt: { status: 'REQUIRES_ACTION' } });
    expect(state.lastError).toContain('requires authentication');
    const [event] = await server.database!.query<{ payload: { data: Record<string, unknown> } }>(
      "select payload from webhook_events where user_id = $1 and type = 'auto_top_up.requires_action'",
      [userId],
    );
    expect(event?.payload.data).toMatchObject({ userId, credits: 500, amountMinor: 500, currency: 'usd', message: expect.stringContaining('authentication') });

    await spend(server, userId, 10, '3ds-2');
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(0);
    expect(await autoTopUpPayments(server, customerId)).toHaveLength(1);
    expect(await events(server, userId, 'auto_top_up.requires_action')).toBe(1);

    // Confirmed on-session: a checkout for the same credits resolves it.
    await userWithSavedCard(server, userId, 500);
    expect(await readAutoTopUp(server, token)).toMatchObject({ status: 'ACTIVE', pendingAttempt: null, lastError: null });
  });

  it('retries a declined card with back-off, then disables auto top-up on the third failure in a row with the decline in lastError', async () => {
    // Proves the decline path on the worker's controlled clock: insufficient_funds is an auto_top_up.failed event with its decline code, the retry waits for the back-off, each try is its own payment intent, and the third failure makes it DISABLED.
    const userId = 'user_atudeclined';
    const { token, customerId } = await userWithSavedCard(server, userId, 500);
    await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    await server.sandbox(`/sandbox/customers/${customerId}/card`, { behavior: 'insufficient_funds' });
    await spend(server, userId, 450, 'declined-1');
    // Each round is followed by the sandbox's payment_failed webhook (on real timers); its handler
    // locks the attempt, and a round claiming meanwhile skips the locked row (FOR UPDATE SKIP
    // LOCKED). Waiting for the delivery makes every round see the attempt at rest.
    const round = async () => {
      const tried = await server.topup.autoTopUpWorker.runOnce();
      await server.webhooksDelivered();
      return tried;
    };
    expect(await round()).toBe(1);
    expect(await readAutoTopUp(server, token)).toMatchObject({ status: 'ACTIVE', lastError: 'Your card has insufficient funds.', pendingAttempt: { status: 'PENDING' } });
    expect(await round()).toBe(0);
    clock.advance(10 * 60_000);
    expect(await round()).toBe(1);
    clock.advance(60 * 60_000);
    expect(await round()).toBe(1);
    expect(await readAutoTopUp(server, token)).toMatchObject({ status: 'DISABLED', enabled: false, lastError: 'Your card has insufficient funds.', pendingAttempt: null });
    expect(await autoTopUpPayments(server, customerId)).toHaveLength(3);
    const failed = await server.database!.query<{ payload: { data: Record<string, unknown> } }>(
      "select payload from webhook_events where user_id = $1 and type = 'auto_top_up.failed' order by id",
      [userId],
    );
    expect(failed.map((row) => [row.payload.data.declineCode, row.payload.data.willRetry, row.payload.data.disabled])).toEqual([
      ['insufficient_funds', true, false],
      ['insufficient_funds', true, false],
      ['insufficient_funds', false, true],
    ]);
    clock.advance(24 * 3600_000);
    await spend(server, userId, 1, 'declined-2');
    expect(await round()).toBe(0);

    // Turned on again with a working card: active, failures forgotten, and (still below) paid at once.
    await server.sandbox(`/sandbox/customers/${customerId}/card`, { behavior: 'succeed' });
    const again = await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    expect(again.body.data?.setAutoTopUp).toMatchObject({ status: 'ACTIVE', lastError: null, pendingAttempt: { status: 'PENDING' } });
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    await server.webhooksDelivered();
    expect(await balance(server, userId)).toBe(49 + 500);
  });

  it('never charges twice when the worker crashes between the payment intent and its recording: the retry sends the same key', { timeout: 120_000 }, async () => {
    // Proves exactly-once across a crash: the recording step fails after Stripe created the payment (and its webhook fails too), the claim expires on the worker's clock, the next round sends the same idempotency key and gets the same payment intent, and the credits are granted once when the webhook is redelivered.
    const userId = 'user_atucrash';
    const { token, customerId } = await userWithSavedCard(server, userId, 500);
    await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    await spend(server, userId, 450, 'crash-1');
    failing = new Set(['record_auto_top_up_payment', 'apply_auto_top_up_event']);
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    expect(await autoTopUpPayments(server, customerId)).toHaveLength(1);
    expect(await balance(server, userId)).toBe(50);
    expect(server.logs.some((line) => String(line.msg ?? line.message).includes('not recorded'))).toBe(true);
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(0);
    clock.advance(121_000);
    // The recording works again; the webhook keeps failing until the worker's retry has run, so the
    // sandbox's redelivery (on real timers) cannot settle the attempt first.
    failing = new Set(['apply_auto_top_up_event']);
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    const payments = await autoTopUpPayments(server, customerId);
    expect(payments).toHaveLength(1);
    const [attempt] = await server.database!.query<{ payment_intent_id: string; status: string }>(
      'select payment_intent_id, status from auto_top_up_attempts where user_id = $1',
      [userId],
    );
    expect(attempt?.payment_intent_id).toBe(payments[0]!.id);
    // The failed webhook is retried by the sandbox and grants once.
    failing = new Set();
    // The sandbox retries after 1, 2, 5, 10 and 30 s: wait past the longest gap a slow run can hit.
    await vi.waitFor(async () => expect(await balance(server, userId)).toBe(550), { timeout: 40_000, interval: 100 });
    await server.webhooksDelivered();
    expect(await purchaseGrants(server, userId)).toBe(2);
  });

  it('counts a card detached at Stripe as a failure instead of retrying it silently', async () => {
    // Proves a permanent refusal is loud: the saved payment method detached behind Topup's back makes Stripe answer invalid_request_error; the attempt records it as a failure with Stripe's message and an auto_top_up.failed event, and is not paid again before its back-off.
    const userId = 'user_atudetached';
    const { token, customerId } = await userWithSavedCard(server, userId, 500);
    await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    const [checkoutPayment] = (await server.topup.stripe.paymentIntents.list({ customer: customerId })).data;
    await server.topup.stripe.paymentMethods.detach(String(checkoutPayment!.payment_method));
    await spend(server, userId, 450, 'detached-1');
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    const state = await readAutoTopUp(server, token);
    expect(state).toMatchObject({ status: 'ACTIVE', pendingAttempt: { status: 'PENDING' } });
    expect(state.lastError).toContain('PaymentMethod');
    expect(await events(server, userId, 'auto_top_up.failed')).toBe(1);
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(0);
    expect(await autoTopUpPayments(server, customerId)).toHaveLength(0);
  });

  it('reconciles an attempt stuck in processing for over an hour from Stripe when its webhook never came', async () => {
    // Proves nothing is left pending silently: with the webhook failing, the attempt stays processing; an hour later the reconcile step asks Stripe about the payment intent and grants it once, and a late webhook grants nothing more.
    const userId = 'user_atustuck';
    const { token } = await userWithSavedCard(server, userId, 500);
    await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 5000 });
    await spend(server, userId, 450, 'stuck-1');
    server.topup.stripeSandbox!.setWebhookUrl('http://127.0.0.1:9/unreachable');
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    expect((await readAutoTopUp(server, token)).pendingAttempt).toMatchObject({ status: 'PROCESSING' });
    const log = createLogger({ level: 'error', write: () => undefined });
    expect(await reconcileAutoTopUps({ storage: server.storage, stripe: server.topup.stripe, log })).toMatchObject({ stuckSeen: 0 });
    await server.database!.query("update auto_top_up_attempts set updated_at = now() - interval '2 hours' where user_id = $1", [userId]);
    const report = await reconcileAutoTopUps({ storage: server.storage, stripe: server.topup.stripe, log });
    expect(report).toEqual({ stuckSeen: 1, settled: 1, failed: 0 });
    expect(await balance(server, userId)).toBe(550);
    server.topup.stripeSandbox!.setWebhookUrl(`${server.url}/api/stripe/webhooks`);
    await server.topup.billing.reconcile({ lookbackSeconds: 3600 });
    expect(await purchaseGrants(server, userId)).toBe(2);
    expect(await balance(server, userId)).toBe(550);
  });

  it('never exceeds the monthly limit over a simulated month of spends, counting the attempt in flight, and starts again next month', async () => {
    // Proves the limit on the ledger's controlled clock: every day of March 2027 spends below the threshold, each top-up is paid and granted, the month's total stops at the limit (3 × 500 of 1,600), lastError says so, one auto_top_up.limit_reached tells the app, and on April 1 top-ups resume.
    const userId = 'user_atumonth';
    const { token } = await userWithSavedCard(server, userId, 500);
    const setDay = (iso: string) =>
      server.database!.query(
        `insert into ledger_clock_skew (skew) values ($1::timestamptz - clock_timestamp()) on conflict (only_row) do update set skew = excluded.skew`,
        [iso],
      );
    await setDay('2027-03-01T00:10:00Z');
    await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 100, credits: 500, monthlyLimitMinor: 1600 });
    const monthTotal = () =>
      count(server, "select coalesce(sum(amount_minor), 0) as count from auto_top_up_attempts where user_id = $1 and status in ('pending', 'processing', 'succeeded')", [userId]);
    for (let day = 1; day <= 31; day++) {
      await setDay(`2027-03-${String(day).padStart(2, '0')}T12:00:00Z`);
      const available = await balance(server, userId);
      if (available > 0) await spend(server, userId, Math.max(1, available - 50), `month-${day}`);
      expect(await monthTotal()).toBeLessThanOrEqual(1600);
      await server.topup.autoTopUpWorker.runOnce();
      await server.webhooksDelivered();
      expect(await monthTotal()).toBeLessThanOrEqual(1600);
    }
    expect(await monthTotal()).toBe(1500);
    const march = await readAutoTopUp(server, token);
    expect(march).toMatchObject({ spentThisMonthMinor: 1500, status: 'ACTIVE' });
    expect(march.lastError).toContain('monthly limit');
    // Said to the app once, however many spends the limit stopped after that.
    expect(await events(server, userId, 'auto_top_up.limit_reached')).toBe(1);

    await setDay('2027-04-01T00:30:00Z');
    await spend(server, userId, 1, 'month-april');
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(1);
    await server.webhooksDelivered();
    expect(await readAutoTopUp(server, token)).toMatchObject({ spentThisMonthMinor: 500 });
  });

  it('lets an admin see and change a user\'s auto top-up, and removing the card turns it off', async () => {
    // Proves the admin and removal paths: the admin reads User.autoTopUp and sets it with userId, a user cannot name another user, and removeSavedCard detaches the card at Stripe and leaves OFF without a card.
    const userId = 'user_atuadmin';
    const { token, customerId } = await userWithSavedCard(server, userId, 500);
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    const changed = await setAutoTopUp(server, admin, { userId, enabled: true, thresholdCredits: 50, credits: 1000, monthlyLimitMinor: 3000 });
    expect(changed.body.data?.setAutoTopUp).toMatchObject({ status: 'ACTIVE', thresholdCredits: 50, credits: 1000, amountMinor: 1000 });
    const read = await server.graphql<{ user: { autoTopUp: { status: string } } }>('query ($id: ID!) { user(id: $id) { autoTopUp { status } } }', { token: admin, variables: { id: userId } });
    expect(read.body.data?.user.autoTopUp.status).toBe('ACTIVE');
    const other = await setAutoTopUp(server, token, { userId: 'user_atuhappy', enabled: false, thresholdCredits: 0, credits: 500, monthlyLimitMinor: 0 });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badCredits = await setAutoTopUp(server, token, { enabled: true, thresholdCredits: 50, credits: 0, monthlyLimitMinor: 3000 });
    expect(badCredits.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const removed = await server.graphql<{ removeSavedCard: { status: string; paymentMethod: unknown } }>('mutation { removeSavedCard { status paymentMethod { last4 } } }', { token });
    expect(removed.body.data?.removeSavedCard).toEqual({ status: 'OFF', paymentMethod: null });
    const methods = await server.topup.stripe.paymentIntents.list({ customer: customerId });
    const paymentMethodId = String(methods.data[0]!.payment_method);
    expect((await server.topup.stripe.paymentMethods.retrieve(paymentMethodId)).customer).toBeNull();
    await spend(server, userId, 480, 'admin-1');
    expect(await server.topup.autoTopUpWorker.runOnce()).toBe(0);
  });
});
