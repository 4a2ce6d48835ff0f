import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidPurchase } from '../support/paidPurchase.ts';
import { checkoutSession, eventPayload, postStripeWebhook, stripeEvent } from '../support/stripeEvents.ts';
import { startTestTopup, testServiceKey, type TestTopup } from '../support/startTestTopup.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { runRetention } from '../../server/retention/runRetention.ts';

interface EventNode {
  id: string;
  type: string;
  outcome: string | null;
  description: string | null;
  deliveries: number;
  userId: string | null;
  hasPayload: boolean;
  purchase: { sessionId: string } | null;
}
interface EventPage {
  edges: Array<{ cursor: string; node: EventNode }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const eventsQuery = `query ($filter: StripeEventFilter, $first: Int, $after: String) {
  stripeEvents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id type outcome description deliveries userId hasPayload purchase { sessionId } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const myPurchasesQuery = `query ($statuses: [TopUpStatus!]) {
  me { purchases(first: 50, statuses: $statuses) { edges { node { sessionId userId status credits amountMinor currency receiptUrl createdAt } } } }
}`;

describe.each(storageKindsUnderTest())('payment pages: event log, payments, debt on %s', (kind) => {
  let server: TestTopup;
  let adminToken: string;
  const buyer = 'user_PagesBuyer1';
  const neighbour = 'user_PagesNeighbour2';
  let buyerToken: string;
  let neighbourToken: string;
  let firstSession: string;
  let neighbourSession: string;
  let refusedEventId: string;

  beforeAll(async () => {
    server = await startTestTopup({ kind });
    adminToken = await server.devToken({ userId: 'user_PagesAdmin', role: 'admin' });
    buyerToken = await server.devToken({ userId: buyer });
    neighbourToken = await server.devToken({ userId: neighbour });
    firstSession = (await paidPurchase(server, buyer, 500)).sessionId;
    neighbourSession = (await paidPurchase(server, neighbour, 700)).sessionId;
    // A verified event whose content is refused: a paid top-up session Topup never created, naming no usable user.
    const refused = stripeEvent('checkout.session.completed', checkoutSession({ sessionId: 'cs_test_unknown_pages', amountMinor: 500, paymentIntentId: 'pi_test_unknown_pages', metadata: { type: 'credit_topup', clerk_user_id: '', credits_amount: '500' } }));
    refusedEventId = refused.id;
    const answer = await postStripeWebhook(server.url, eventPayload(refused), { secret: server.webhookSecret });
    expect(answer.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  async function allEvents(filter: Record<string, unknown> | null, first = 100): Promise<EventNode[]> {
    const nodes: EventNode[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const result: Awaited<ReturnType<typeof server.graphql<{ stripeEvents: EventPage }>>> = await server.graphql(eventsQuery, {
        token: adminToken,
        variables: { filter, first, after },
      });
      expect(result.body.errors).toBeUndefined();
      const page = result.body.data!.stripeEvents;
      nodes.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) return nodes;
      after = page.pageInfo.endCursor;
    }
    throw new Error('more than 100 pages');
  }

  it('lets admins alone read the Stripe event log and a payload', async () => {
    // Proves the authorization of both fields: anonymous is UNAUTHENTICATED, a user and a service key are FORBIDDEN, an admin gets the page.
    for (const [token, code] of [
      [null, 'UNAUTHENTICATED'],
      [buyerToken, 'FORBIDDEN'],
      [testServiceKey, 'FORBIDDEN'],
    ] as const) {
      const list = await server.graphql(eventsQuery, { token });
      expect(list.body.errors?.[0]?.extensions?.code).toBe(code);
      const one = await server.graphql('query ($id: ID!) { stripeEvent(id: $id) { id payload } }', { token, variables: { id: refusedEventId } });
      expect(one.body.errors?.[0]?.extensions?.code).toBe(code);
      expect(one.text).not.toContain('cs_test_unknown_pages');
    }
    expect(await allEvents(null)).not.toHaveLength(0);
  });

  it('records each outcome with its purchase and user, and filters by outcome, type, purchase, user and date', async () => {
    // Proves what the log holds after two real sandbox payments and one refused event, and that each filter narrows to exactly the matching events.
    const events = await allEvents(null);
    const completed = events.filter((event) => event.type === 'checkout.session.completed' && event.purchase?.sessionId === firstSession);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ outcome: 'PROCESSED', userId: buyer, hasPayload: true, deliveries: 1 });
    expect(completed[0]!.description).toContain('500 credits granted');
    // The sandbox also sends payment_intent.succeeded and charge.succeeded, which Topup ignores.
    expect(events.some((event) => event.type === 'charge.succeeded' && event.outcome === 'IGNORED')).toBe(true);
    const refused = events.find((event) => event.id === refusedEventId);
    expect(refused).toMatchObject({ outcome: 'REFUSED', purchase: null, userId: null });
    expect(refused!.description).toMatch(/^refused: NOT_FOUND/);

    expect((await allEvents({ outcomes: ['REFUSED'] })).map((event) => event.id)).toEqual([refusedEventId]);
    const ignored = await allEvents({ outcomes: ['IGNORED', 'FLAGGED'] });
    expect(ignored.length).toBeGreaterThan(0);
    expect(ignored.every((event) => event.outcome === 'IGNORED')).toBe(true);
    const checkouts = await allEvents({ type: 'checkout.session' });
    expect(checkouts.map((event) => event.type).every((type) => type.startsWith('checkout.session.'))).toBe(true);
    expect(checkouts).toHaveLength(3);
    expect((await allEvents({ sessionId: neighbourSession })).every((event) => event.purchase?.sessionId === neighbourSession)).toBe(true);
    const buyersEvents = await allEvents({ userId: buyer });
    expect(buyersEvents.length).toBeGreaterThan(0);
    expect(buyersEvents.every((event) => event.userId === buyer)).toBe(true);
    expect(await allEvents({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await allEvents({ to: new Date(Date.now() + 60_000).toISOString() })).toHaveLength(events.length);
    expect(await allEvents({ duplicatesOnly: true })).toEqual([]);
  });

  it('counts a redelivery as a duplicate of the same event', async () => {
    // Proves the duplicate filter: the sandbox resends the buyer's checkout.session.completed, and that event (alone) now shows two deliveries.
    const [event] = await allEvents({ sessionId: firstSession, type: 'checkout.session.completed' });
    await server.sandbox(`/sandbox/events/${event!.id}/resend`);
    await server.webhooksDelivered();
    const duplicates = await allEvents({ duplicatesOnly: true });
    expect(duplicates.map((duplicate) => [duplicate.id, duplicate.deliveries, duplicate.outcome])).toEqual([[event!.id, 2, 'PROCESSED']]);
  });

  it('pages the log newest first without repeating or skipping an event', async () => {
    // Proves the cursor: pages of 2 visit the same events, in the same order, as one page of 100; a cursor from another list is BAD_USER_INPUT.
    const whole = (await allEvents(null)).map((event) => event.id);
    const paged = (await allEvents(null, 2)).map((event) => event.id);
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(paged.length);
    const foreign = await server.graphql(eventsQuery, { token: adminToken, variables: { after: 'bm9wZXxub3Bl' } });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("returns an event's JSON on demand, one event at a time", async () => {
    // Proves stripeEvent(id) { payload } is the event Stripe sent (its id and the session inside), and that an unknown id is null.
    const [event] = await allEvents({ sessionId: firstSession, type: 'checkout.session.completed' });
    const result = await server.graphql<{ stripeEvent: { id: string; payload: string } }>('query ($id: ID!) { stripeEvent(id: $id) { id payload } }', {
      token: adminToken,
      variables: { id: event!.id },
    });
    expect(result.body.errors).toBeUndefined();
    const payload = JSON.parse(result.body.data!.stripeEvent.payload) as { id: string; data: { object: { id: string } } };
    expect(payload.id).toBe(event!.id);
    expect(payload.data.object.id).toBe(firstSession);
    const missing = await server.graphql<{ stripeEvent: null }>('query { stripeEvent(id: "evt_nope") { id } }', { token: adminToken });
    expect(missing.body.data!.stripeEvent).toBeNull();
  });

  it("lists only the caller's own purchases, with a receipt that Stripe's sandbox serves, stored once known", async () => {
    // Proves me.purchases is the signed-in user's alone (the neighbour's never shows), that receiptUrl comes from the charge and is stored in the purchase row, and that the URL renders a receipt page.
    const result = await server.graphql<{ me: { purchases: { edges: Array<{ node: { sessionId: string; userId: string; status: string; receiptUrl: string | null } }> } } }>(
      myPurchasesQuery,
      { token: buyerToken, variables: { statuses: ['PAID', 'PENDING', 'FAILED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'DISPUTED'] } },
    );
    expect(result.body.errors).toBeUndefined();
    const nodes = result.body.data!.me.purchases.edges.map((edge) => edge.node);
    expect(nodes.map((node) => [node.sessionId, node.userId, node.status])).toEqual([[firstSession, buyer, 'PAID']]);
    expect(result.text).not.toContain(neighbourSession);
    const receiptUrl = nodes[0]!.receiptUrl!;
    expect(receiptUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/receipts\/payment\/ch_/);
    const stored = await server.database!.query<{ receipt_url: string }>('select receipt_url from credit_purchases where session_id = $1', [firstSession]);
    expect(stored[0]!.receipt_url).toBe(receiptUrl);
    const page = await fetch(receiptUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Receipt</h1>');

    const neighbours = await server.graphql<{ me: { purchases: { edges: Array<{ node: { sessionId: string } }> } } }>(myPurchasesQuery, { token: neighbourToken });
    expect(neighbours.body.data!.me.purchases.edges.map((edge) => edge.node.sessionId)).toEqual([neighbourSession]);
    const asOther = await server.graphql('query ($id: ID!) { user(id: $id) { purchases { edges { node { sessionId } } } } }', { token: neighbourToken, variables: { id: buyer } });
    expect(asOther.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('fetches at most 5 receipts from Stripe in one request, and the rest on the next', async () => {
    // Proves the per-request Stripe cap on receipt lookups: 6 new paid purchases, the first request answers 5 receipt URLs and one null, the second answers all 6 (the 5 from the database).
    const user = 'user_PagesManyReceipts';
    const token = await server.devToken({ userId: user });
    for (let index = 0; index < 6; index += 1) await paidPurchase(server, user, 500 + index);
    type Receipts = { me: { purchases: { edges: Array<{ node: { receiptUrl: string | null } }> } } };
    const first = await server.graphql<Receipts>(myPurchasesQuery, { token });
    expect(first.body.errors).toBeUndefined();
    const firstUrls = first.body.data!.me.purchases.edges.map((edge) => edge.node.receiptUrl);
    expect(firstUrls.filter((url) => url !== null)).toHaveLength(5);
    const second = await server.graphql<Receipts>(myPurchasesQuery, { token });
    expect(second.body.data!.me.purchases.edges.map((edge) => edge.node.receiptUrl).every((url) => url !== null)).toBe(true);
  }, 60_000);

  it('says how much of each pack and of a custom amount repays the debt, from the server balance', async () => {
    // Proves the debt split: a user who bought 1,000 credits, spent 700 and lost a dispute owes 700; pricing's packs and priceQuote answer what repays it and what is added, and a caller without debt (or anonymous) gets debtRepaid 0.
    const debtor = 'user_PagesDebtor';
    const token = await server.devToken({ userId: debtor });
    const { paymentIntentId } = await paidPurchase(server, debtor, 1000);
    const spent = await server.graphql(
      'mutation ($input: SpendCreditsInput!) { spendCredits(input: $input) { balanceAfter } }',
      { token: testServiceKey, variables: { input: { userId: debtor, amount: 700, reason: 'usage', idempotencyKey: 'pages-debt-spend' } } },
    );
    expect(spent.body.errors).toBeUndefined();
    await server.sandbox(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'needs_response' });
    await server.webhooksDelivered();
    const me = await server.graphql<{ me: { credits: number; debt: number } }>('{ me { credits debt } }', { token });
    expect(me.body.data!.me).toEqual({ credits: -700, debt: 700 });

    const split = '{ pricing { packs { credits debtRepaid creditsAdded } } priceQuote(credits: 2500) { credits debtRepaid creditsAdded } }';
    type Split = { pricing: { packs: Array<{ credits: number; debtRepaid: number; creditsAdded: number }> }; priceQuote: { credits: number; debtRepaid: number; creditsAdded: number } };
    const inDebt = await server.graphql<Split>(split, { token });
    expect(inDebt.body.errors).toBeUndefined();
    expect(inDebt.body.data!.pricing.packs).toEqual([
      { credits: 500, debtRepaid: 500, creditsAdded: 0 },
      { credits: 1000, debtRepaid: 700, creditsAdded: 300 },
      { credits: 2500, debtRepaid: 700, creditsAdded: 1800 },
    ]);
    expect(inDebt.body.data!.priceQuote).toEqual({ credits: 2500, debtRepaid: 700, creditsAdded: 1800 });
    for (const other of [buyerToken, null]) {
      const noDebt = await server.graphql<Split>(split, { token: other });
      expect(noDebt.body.data!.priceQuote).toEqual({ credits: 2500, debtRepaid: 0, creditsAdded: 2500 });
      expect(noDebt.body.data!.pricing.packs.every((pack) => pack.debtRepaid === 0 && pack.creditsAdded === pack.credits)).toBe(true);
    }
  }, 60_000);
  it('shows an event whose JSON retention removed: the row and its outcome stay, the payload is null, payloadRemovedAt says when', async () => {
    // Proves the log stays correct for pruned data through GraphQL: the purchase's event, aged past RETENTION_DAYS in SQL, loses only its JSON when the real job runs; the field asked for alone and on a page answers without an error.
    const completed = (await allEvents({ sessionId: firstSession })).find((event) => event.type === 'checkout.session.completed')!;
    await server.database!.query(
      `update stripe_events set received_at = now() - interval '100 days', processed_at = now() - interval '100 days' where id = $1`,
      [completed.id],
    );
    expect(await runRetention(server.storage, { now: new Date(), retentionDays: 90 })).toMatchObject({ stripePayloads: 1 });
    const one = await server.graphql<{ stripeEvent: Record<string, unknown> }>(
      'query ($id: ID!) { stripeEvent(id: $id) { id outcome description hasPayload payloadRemovedAt payload } }',
      { token: adminToken, variables: { id: completed.id } },
    );
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data!.stripeEvent).toMatchObject({ id: completed.id, outcome: 'PROCESSED', description: completed.description, hasPayload: false, payload: null });
    expect(Date.now() - Date.parse(String(one.body.data!.stripeEvent.payloadRemovedAt))).toBeLessThan(60_000);
    const page = await allEvents({ sessionId: firstSession });
    expect(page.find((event) => event.id === completed.id)).toMatchObject({ hasPayload: false, outcome: 'PROCESSED' });
  });
});
