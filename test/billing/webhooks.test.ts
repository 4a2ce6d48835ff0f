import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type Stripe from 'stripe';
import { createManualTimers } from '@topup/stripe-sandbox';
import type { Storage } from '../../server/db/storage.ts';
import { startTestTopup, testAdminUserId, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { signedInUser } from '../support/signedInUser.ts';
import {
  checkoutSession,
  dispute as disputeOf,
  eventPayload,
  postStripeWebhook,
  refundedCharge,
  signStripePayload,
  stripeEvent,
  stripeFixture,
} from '../support/stripeEvents.ts';

describe.each(storageKindsUnderTest())('Stripe webhooks through the real route on %s', (kind) => {
  let server: TestTopup;
  let userToken: string;
  const userId = 'user_webhookbuyer';

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    userToken = await signedInUser(server, userId);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Signs `payload` like Stripe (or with another secret or time) and POSTs it to the webhook route. */
  const post = (payload: string, options: { secret?: string; timestamp?: number; signature?: string | null } = {}) =>
    postStripeWebhook(server.url, payload, { ...options, secret: options.secret ?? server.webhookSecret });

  const postEvent = (event: Stripe.Event) => post(eventPayload(event));

  async function newPurchase(credits: number): Promise<{ sessionId: string; amountMinor: number }> {
    const result = await server.graphql<{ createCreditTopUpSession: { sessionId: string; amountMinor: number } }>('mutation ($credits: SafeInt!) { createCreditTopUpSession(input: { credits: $credits }) { sessionId amountMinor } }', { token: userToken, variables: { credits } });
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.createCreditTopUpSession;
  }

  function completedSession(options: { sessionId: string; credits: number; amountMinor: number; paymentIntentId: string; paid?: boolean; metadata?: Record<string, string>; currency?: string }) {
    return checkoutSession({ ...options, userId });
  }

  const charge = (paymentIntentId: string, amountMinor: number, amountRefundedMinor: number) => refundedCharge({ paymentIntentId, amountMinor, amountRefundedMinor });

  const dispute = (paymentIntentId: string, status: Stripe.Dispute.Status) => disputeOf({ paymentIntentId, status });

  async function balanceOf(id: string): Promise<number> {
    const rows = await server.database!.query<{ credits: string | number }>('select credits from users where id = $1', [id]);
    return Number(rows[0]?.credits ?? 0);
  }

  async function ledgerCount(): Promise<number> {
    const rows = await server.database!.query<{ count: string | number }>('select count(*) as count from credit_ledger');
    return Number(rows[0]!.count);
  }

  async function purchaseEntries(sessionId: string): Promise<{ kind: string; delta: number }[]> {
    const rows = await server.database!.query<{ kind: string; delta: string | number }>(
      'select kind, delta from credit_ledger where purchase_session_id = $1 order by id',
      [sessionId],
    );
    return rows.map((row) => ({ kind: row.kind, delta: Number(row.delta) }));
  }

  it('grants once when the same completed event is delivered 10 times', async () => {
    // Proves the old app's double grant on webhook retry is gone: 10 deliveries of one signed event, one ledger row.
    const { sessionId, amountMinor } = await newPurchase(71);
    const before = await balanceOf(userId);
    const event = stripeEvent('checkout.session.completed', completedSession({ sessionId, credits: 71, amountMinor, paymentIntentId: `pi_${sessionId}` }));
    const responses = [];
    for (let delivery = 0; delivery < 10; delivery += 1) responses.push(await postEvent(event));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses.slice(1).every((response) => response.body?.duplicate === true)).toBe(true);
    expect(await purchaseEntries(sessionId)).toEqual([{ kind: 'purchase', delta: 71 }]);
    expect(await balanceOf(userId)).toBe(before + 71);
  });

  it('grants once when distinct events for one session race with success-page checks (50 concurrent calls)', async () => {
    // Proves one grant per session whatever calls fulfillCheckout: 25 distinct signed events and 25 topUp queries at once.
    const { sessionId } = await newPurchase(120);
    const before = await balanceOf(userId);
    // Pay in the sandbox so topUp's retrieve sees a paid session; its own webhook joins the race too.
    await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'paid' });
    const session = await server.topup.stripe.checkout.sessions.retrieve(sessionId);
    const calls = Array.from({ length: 50 }, (_, index) =>
      index % 2 === 0
        ? postEvent(stripeEvent('checkout.session.completed', session)).then((response) => response.status)
        : server.graphql('query ($id: ID!) { topUp(sessionId: $id) { status creditsGranted } }', { token: userToken, variables: { id: sessionId } }).then((response) => (response.body.errors ? 500 : 200)),
    );
    expect(await Promise.all(calls)).toEqual(Array(50).fill(200));
    expect(await purchaseEntries(sessionId)).toEqual([{ kind: 'purchase', delta: 120 }]);
    await server.webhooksDelivered();
    expect(await purchaseEntries(sessionId)).toEqual([{ kind: 'purchase', delta: 120 }]);
    expect(await balanceOf(userId)).toBe(before + 120);
  });

  it('applies a refund that arrives before the completion, when the completion arrives', async () => {
    // Proves order independence: charge.refunded (full) first, then completed: +100 then -100, status refunded.
    const { sessionId, amountMinor } = await newPurchase(100);
    const paymentIntentId = `pi_early_${sessionId.slice(-8)}`;
    const before = await balanceOf(userId);
    expect((await postEvent(stripeEvent('charge.refunded', charge(paymentIntentId, amountMinor, amountMinor)))).status).toBe(200);
    expect(await balanceOf(userId)).toBe(before);
    await postEvent(stripeEvent('checkout.session.completed', completedSession({ sessionId, credits: 100, amountMinor, paymentIntentId })));
    expect(await purchaseEntries(sessionId)).toEqual([{ kind: 'purchase', delta: 100 }, { kind: 'refund', delta: -100 }]);
    expect(await balanceOf(userId)).toBe(before);
    const topUp = await server.graphql<{ topUp: { status: string } }>('query ($id: ID!) { topUp(sessionId: $id) { status } }', { token: userToken, variables: { id: sessionId } });
    expect(topUp.body.data?.topUp.status).toBe('REFUNDED');
  });

  it('grants when the async success arrives before the completed (unpaid) event, and the late pending changes nothing', async () => {
    // Proves a late checkout.session.completed with payment_status unpaid cannot undo or repeat a paid async session.
    const { sessionId, amountMinor } = await newPurchase(60);
    const paymentIntentId = `pi_async_${sessionId.slice(-8)}`;
    const before = await balanceOf(userId);
    await postEvent(stripeEvent('checkout.session.async_payment_succeeded', completedSession({ sessionId, credits: 60, amountMinor, paymentIntentId })));
    await postEvent(stripeEvent('checkout.session.completed', completedSession({ sessionId, credits: 60, amountMinor, paymentIntentId, paid: false })));
    expect(await purchaseEntries(sessionId)).toEqual([{ kind: 'purchase', delta: 60 }]);
    expect(await balanceOf(userId)).toBe(before + 60);
  });

  it('claws back in proportion to a partial refund, then the rest on the full refund, whatever the order of repeats', async () => {
    // Proves refund targets: 40% refunded -> 40 of 100 credits back; full -> the other 60; a replayed partial afterwards changes nothing.
    const { sessionId, amountMinor } = await newPurchase(100);
    const paymentIntentId = `pi_partial_${sessionId.slice(-8)}`;
    await postEvent(stripeEvent('checkout.session.completed', completedSession({ sessionId, credits: 100, amountMinor, paymentIntentId })));
    const partial = stripeEvent('charge.refunded', charge(paymentIntentId, amountMinor, 40));
    await postEvent(partial);
    expect(await purchaseEntries(sessionId)).toEqual([{ kind: 'purchase', delta: 100 }, { kind: 'refund', delta: -40 }]);
    await postEvent(stripeEvent('charge.refunded', charge(paymentIntentId, amountMinor, 100)));
    await postEvent(stripeEvent('charge.refunded', charge(paymentIntentId, amountMinor, 40)));
    expect(await purchaseEntries(sessionId)).toEqual([
      { kind: 'purchase', delta: 100 },
      { kind: 'refund', delta: -40 },
      { kind: 'refund', delta: -60 },
    ]);
  });

  it('claws back on a dispute, restores on a won dispute, and keeps it on a lost one', async () => {
    // Proves both dispute outcomes on two purchases, including a dispute.created replayed after the close.
    const won = await newPurchase(80);
    const lost = await newPurchase(90);
    const wonPaymentIntent = `pi_won_${won.sessionId.slice(-8)}`;
    const lostPaymentIntent = `pi_lost_${lost.sessionId.slice(-8)}`;
    await postEvent(stripeEvent('checkout.session.completed', completedSession({ sessionId: won.sessionId, credits: 80, amountMinor: won.amountMinor, paymentIntentId: wonPaymentIntent })));
    await postEvent(stripeEvent('checkout.session.completed', completedSession({ sessionId: lost.sessionId, credits: 90, amountMinor: lost.amountMinor, paymentIntentId: lostPaymentIntent })));
    const before = await balanceOf(userId);
    const created = stripeEvent('charge.dispute.created', dispute(wonPaymentIntent, 'needs_response'));
    await postEvent(created);
    await postEvent(stripeEvent('charge.dispute.created', dispute(lostPaymentIntent, 'needs_response')));
    expect(await balanceOf(userId)).toBe(before - 170);
    await postEvent(stripeEvent('charge.dispute.closed', dispute(wonPaymentIntent, 'won')));
    await postEvent(stripeEvent('charge.dispute.closed', dispute(lostPaymentIntent, 'lost')));
    await postEvent(stripeEvent('charge.dispute.created', dispute(wonPaymentIntent, 'needs_response')));
    expect(await purchaseEntries(won.sessionId)).toEqual([{ kind: 'purchase', delta: 80 }, { kind: 'dispute', delta: -80 }, { kind: 'dispute_won', delta: 80 }]);
    expect(await purchaseEntries(lost.sessionId)).toEqual([{ kind: 'purchase', delta: 90 }, { kind: 'dispute', delta: -90 }]);
    expect(await balanceOf(userId)).toBe(before - 90);
  });

  it('flags a paid session whose amount or currency does not match, and grants nothing', async () => {
    // Proves a tampered or mispriced payment is never granted: 70 cents paid for 71 credits, and 71 in EUR.
    const cheap = await newPurchase(71);
    const foreign = await newPurchase(72);
    const before = await balanceOf(userId);
    await postEvent(stripeEvent('checkout.session.completed', completedSession({ sessionId: cheap.sessionId, credits: 71, amountMinor: 70, paymentIntentId: `pi_cheap_${cheap.sessionId.slice(-6)}` })));
    await postEvent(stripeEvent('checkout.session.completed', completedSession({ sessionId: foreign.sessionId, credits: 72, amountMinor: 72, currency: 'eur', paymentIntentId: `pi_eur_${foreign.sessionId.slice(-6)}` })));
    expect(await balanceOf(userId)).toBe(before);
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    const flagged = await server.graphql<{ flaggedPurchases: { edges: { node: { sessionId: string; flagReason: string; creditsGranted: number } }[] } }>('{ flaggedPurchases(first: 50) { edges { node { sessionId flagReason creditsGranted } } } }', { token: admin });
    const bySession = new Map(flagged.body.data!.flaggedPurchases.edges.map((edge) => [edge.node.sessionId, edge.node]));
    expect(bySession.get(cheap.sessionId)?.flagReason).toMatch(/paid 70, expected 71/);
    expect(bySession.get(foreign.sessionId)?.flagReason).toMatch(/EUR/);
  });

  it('fulfils a session from the app this replaces once, from its metadata, when it paid at least the price', async () => {
    // Proves legacy compatibility: an unknown session with metadata grants once; one that paid too little is flagged.
    const legacyUser = 'user_legacycustomer';
    const paid = completedSession({
      sessionId: 'cs_test_legacy_paid_enough', credits: 71, amountMinor: 7100, paymentIntentId: 'pi_legacy_enough',
      metadata: { type: 'credit_topup', clerk_user_id: legacyUser, credits_amount: '71' },
    });
    await postEvent(stripeEvent('checkout.session.completed', paid));
    await postEvent(stripeEvent('checkout.session.completed', paid));
    expect(await balanceOf(legacyUser)).toBe(71);
    const cheap = completedSession({
      sessionId: 'cs_test_legacy_too_cheap', credits: 500, amountMinor: 499, paymentIntentId: 'pi_legacy_cheap',
      metadata: { type: 'credit_topup', clerk_user_id: legacyUser, credits_amount: '500' },
    });
    await postEvent(stripeEvent('checkout.session.completed', cheap));
    expect(await balanceOf(legacyUser)).toBe(71);
  });

  it('refuses or ignores hostile webhooks with the ledger unchanged', async () => {
    // Proves each bad delivery gets its specified answer and moves no credit.
    const before = await ledgerCount();
    const { sessionId, amountMinor } = await newPurchase(71);
    const good = JSON.stringify(stripeEvent('checkout.session.completed', completedSession({ sessionId, credits: 71, amountMinor, paymentIntentId: 'pi_hostile' })));
    expect((await post(good, { signature: null })).status).toBe(400);
    expect((await post(good, { signature: 't=1,v1=deadbeef' })).status).toBe(400);
    expect((await post(good, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(400);
    expect((await post(good, { secret: 'whsec_of_another_endpoint' })).status).toBe(400);
    expect((await post(good.replace('"credits_amount":"71"', '"credits_amount":"7100"'), { signature: signStripePayload(good, server.webhookSecret) })).status).toBe(400);
    expect((await post('{"id": "evt_x", "type": ')).status).toBe(400);
    expect((await post(JSON.stringify({ hello: 'world' }))).status).toBe(400);
    expect((await post(JSON.stringify({ ...JSON.parse(good), padding: 'x'.repeat(300_000) }))).status).toBe(413);
    for (const credits of ['-5', '1.5', '99999999999999999999', 'abc', '']) {
      const legacy = completedSession({
        sessionId: `cs_test_hostile_${Buffer.from(credits).toString('hex') || 'empty'}`, credits: 1, amountMinor: 100000, paymentIntentId: `pi_hostile_${Buffer.from(credits).toString('hex') || 'empty'}`,
        metadata: { type: 'credit_topup', clerk_user_id: userId, credits_amount: credits },
      });
      expect((await postEvent(stripeEvent('checkout.session.completed', legacy))).status).toBe(200);
    }
    const unknownUser = completedSession({
      sessionId: 'cs_test_hostile_user', credits: 71, amountMinor: 71, paymentIntentId: 'pi_hostile_user',
      metadata: { type: 'credit_topup', clerk_user_id: "'; drop table users; --", credits_amount: '71' },
    });
    expect((await postEvent(stripeEvent('checkout.session.completed', unknownUser))).body?.outcome).toMatch(/^refused: NOT_FOUND/);
    const notTopUp = completedSession({ sessionId: 'cs_test_other_product', credits: 71, amountMinor: 71, paymentIntentId: 'pi_other', metadata: { type: 'subscription' } });
    expect((await postEvent(stripeEvent('checkout.session.completed', notTopUp))).body?.outcome).toMatch(/^ignored/);
    expect((await postEvent(stripeEvent('customer.created', stripeFixture('customer')))).status).toBe(200);
    expect(await ledgerCount()).toBe(before);
  });

  it('answers 500 on a transient database failure, applies nothing, and grants once on the retry', async () => {
    // Proves the webhook's failure contract: the database drops the event's transaction once, Stripe's retry then grants exactly once.
    const { sessionId, amountMinor } = await newPurchase(77);
    const before = await balanceOf(userId);
    const storage = server.storage;
    const original = storage.call.bind(storage);
    let failures = 0;
    storage.call = (name, args) => {
      if (name === 'apply_checkout_event' && failures === 0) {
        failures += 1;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return original(name, args);
    };
    try {
      const event = stripeEvent('checkout.session.completed', completedSession({ sessionId, credits: 77, amountMinor, paymentIntentId: `pi_transient_${sessionId.slice(-6)}` }));
      const first = await postEvent(event);
      expect(first.status).toBe(500);
      expect(JSON.stringify(first.body)).not.toMatch(/Connection terminated/);
      expect(await purchaseEntries(sessionId)).toEqual([]);
      expect(await balanceOf(userId)).toBe(before);
      const retry = await postEvent(event);
      expect(retry.status).toBe(200);
      expect(retry.body?.duplicate).toBeUndefined();
      expect(await purchaseEntries(sessionId)).toEqual([{ kind: 'purchase', delta: 77 }]);
      expect(await balanceOf(userId)).toBe(before + 77);
    } finally {
      storage.call = original;
    }
  });
});

describe('Stripe redelivering a webhook on the sandbox clock', () => {
  const timers = createManualTimers();
  const userId = 'user_redelivered';
  let server: TestTopup;
  let failuresLeft = 0;

  /** The app's storage, with the next `failuresLeft` calls of `apply_checkout_event` failing like a dropped connection. */
  const failingCheckoutEvents = (storage: Storage): Storage => ({
    kind: storage.kind,
    checkReady: () => storage.checkReady(),
    close: () => storage.close(),
    call<Result>(functionName: string, args: Record<string, unknown>): Promise<Result> {
      if (functionName === 'apply_checkout_event' && failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return storage.call<Result>(functionName, args);
    },
  });

  beforeAll(async () => {
    server = await startTestTopup({ sandboxTimers: timers, sandboxRetryDelaysMilliseconds: [60_000], wrapStorage: failingCheckoutEvents });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('grants nothing on a 500 and once when the retry comes a minute later, with no real waiting', async () => {
    // Proves the whole retry path end to end on controlled time: the sandbox's delivery gets a 500 (transient failure) and the event log says failed, nothing is granted until the sandbox clock reaches the backoff, then the redelivery grants exactly once and the log says processed, without the error.
    const token = await server.devToken({ userId });
    const created = await server.graphql<{ createCreditTopUpSession: { sessionId: string } }>('mutation { createCreditTopUpSession(input: { credits: 71 }) { sessionId } }', { token });
    const sessionId = created.body.data!.createCreditTopUpSession.sessionId;
    const grants = async () =>
      (await server.database!.query<{ delta: string | number }>("select delta from credit_ledger where purchase_session_id = $1 and kind = 'purchase'", [sessionId])).map((row) => Number(row.delta));
    failuresLeft = 1;
    await server.sandbox(`/sandbox/checkout/sessions/${sessionId}/pay`, { outcome: 'paid' });
    // The failed attempt is recorded and its retry scheduled a minute ahead on the sandbox clock.
    await vi.waitFor(() => expect(timers.pendingDueTimes()).toEqual([timers.now() + 60_000]));
    expect(failuresLeft).toBe(0);
    expect(await grants()).toEqual([]);
    // The admins' event log shows the failure until the retry succeeds.
    const logged = async () =>
      server.database!.query<{ outcome_kind: string; last_error: string | null; processed: boolean; deliveries: number }>(
        "select outcome_kind, last_error, processed_at is not null as processed, deliveries from stripe_events where type = 'checkout.session.completed' and payload->'data'->'object'->>'id' = $1",
        [sessionId],
      );
    await vi.waitFor(async () => expect(await logged()).toEqual([{ outcome_kind: 'failed', last_error: 'Connection terminated unexpectedly', processed: false, deliveries: 1 }]));
    timers.advanceBy(59_999);
    expect(await grants()).toEqual([]);
    timers.advanceBy(1);
    await server.webhooksDelivered();
    expect(await grants()).toEqual([71]);
    expect(await logged()).toEqual([{ outcome_kind: 'processed', last_error: null, processed: true, deliveries: 2 }]);
    const me = await server.graphql<{ me: { credits: number } }>('{ me { credits } }', { token });
    expect(me.body.data!.me.credits).toBe(71);
  });
});
