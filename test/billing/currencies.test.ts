import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPricing } from '../../server/billing/pricing.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { startTestTopup, testAdminUserId, type TestTopup } from '../support/startTestTopup.ts';
import { checkoutSession, eventPayload, postStripeWebhook, stripeEvent, topUpMetadata } from '../support/stripeEvents.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';

const creditPrices = 'usd:0.01,EUR:0.0095,jpy:1.5,kwd:0.0033';
const environment = { CREDIT_PRICES: creditPrices, CREDIT_PACKS: '500,1000,2500', RATE_LIMIT_CHECKOUTS_PER_MINUTE: '10000' };

const pricingQuery = `query ($currency: String) {
  currencies
  pricing(currency: $currency) { currency unitPrice currencyExponent packs { credits amountMinor } creditsMin creditsMax }
}`;
const quoteQuery = 'query ($credits: SafeInt!, $currency: String) { priceQuote(credits: $credits, currency: $currency) { credits amountMinor currency } }';
const createSession = `mutation ($credits: SafeInt!, $currency: String) {
  createCreditTopUpSession(input: { credits: $credits, currency: $currency }) { sessionId url credits amountMinor currency }
}`;

interface PricingAnswer {
  currencies: string[];
  pricing: { currency: string; unitPrice: string; currencyExponent: number; packs: { credits: number; amountMinor: number }[]; creditsMin: number; creditsMax: number };
}
interface Session { sessionId: string; credits: number; amountMinor: number; currency: string }
interface PurchaseRecord {
  credits: string | number;
  amount_minor: string | number;
  currency: string;
  amount_paid_minor: string | number | null;
  credits_granted: string | number;
  credits_clawed_back: string | number;
  presentment_amount_minor: string | number | null;
  presentment_currency: string | null;
  presentment_fx_rate: string | number | null;
  flag_reason: string | null;
  status: string;
}

describe('CREDIT_PRICES at boot', () => {
  const load = (variables: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/unused', ...variables });

  it('parses a price list, the first currency the default, and gives each currency its own minimum', () => {
    // Proves the parse and the per-currency bounds from Stripe's minimum charges: USD 0.50 -> 50 credits, EUR 0.50 at 0.0095 -> 53, ¥50 at 1.5 -> 33 (¥49.5 rounds up), KWD 0.500 at 0.0033 -> 150.
    const config = load({ CREDIT_PRICES: creditPrices });
    expect(config.credits.prices).toEqual([
      { currency: 'usd', unitPrice: '0.01' },
      { currency: 'eur', unitPrice: '0.0095' },
      { currency: 'jpy', unitPrice: '1.5' },
      { currency: 'kwd', unitPrice: '0.0033' },
    ]);
    expect(config.credits).toMatchObject({ currency: 'usd', unitPrice: '0.01' });
    const pricing = createPricing(config.credits);
    expect(pricing.currencies).toEqual(['usd', 'eur', 'jpy', 'kwd']);
    expect(pricing.currencies.map((currency) => pricing.inCurrency(currency.toUpperCase()).creditsMin)).toEqual([50, 53, 33, 150]);
    expect(pricing.inCurrency(null).currency).toBe('usd');
    expect(() => pricing.inCurrency('gbp')).toThrowError(/currency must be one of USD, EUR, JPY, KWD/);
    // The one-currency form still works, and means the same as a list of one.
    expect(load({ CREDIT_PRICE: '1.5', CREDIT_CURRENCY: 'JPY', CREDIT_PACKS: '100' }).credits.prices).toEqual([{ currency: 'jpy', unitPrice: '1.5' }]);
    expect(load({}).credits.prices).toEqual([{ currency: 'usd', unitPrice: '0.01' }]);
  });

  it('refuses bad lists with the variable named, and CREDIT_PRICES together with CREDIT_PRICE or CREDIT_CURRENCY', () => {
    // Proves every invalid configuration stops the boot with a ConfigError that says what is wrong.
    const refusals: [Record<string, string>, RegExp][] = [
      [{ CREDIT_PRICES: 'usd:0.01', CREDIT_PRICE: '0.01' }, /CREDIT_PRICES and CREDIT_PRICE are both set/],
      [{ CREDIT_PRICES: 'usd:0.01', CREDIT_CURRENCY: 'usd' }, /CREDIT_PRICES and CREDIT_CURRENCY are both set/],
      [{ CREDIT_PRICES: 'usd:0.01,xyz:1' }, /CREDIT_PRICES: "xyz" is not an ISO 4217 currency/],
      [{ CREDIT_PRICES: 'dollars:0.01' }, /not an ISO 4217/],
      [{ CREDIT_PRICES: 'usd:0' }, /positive decimal/],
      [{ CREDIT_PRICES: 'usd:-1' }, /positive decimal/],
      [{ CREDIT_PRICES: 'usd:1e-2' }, /positive decimal/],
      [{ CREDIT_PRICES: 'usd' }, /currency:price/],
      [{ CREDIT_PRICES: 'usd:0.01,USD:0.02' }, /lists USD twice/],
      [{ CREDIT_PRICES: ',' }, /at least one currency/],
    ];
    for (const [variables, message] of refusals) {
      expect(() => load(variables), JSON.stringify(variables)).toThrowError(ConfigError);
      expect(() => load(variables), JSON.stringify(variables)).toThrowError(message);
    }
    // A pack below one currency's minimum (¥ at 1.5: 33 credits) is refused for that currency, by name.
    expect(() => createPricing(load({ CREDIT_PRICES: 'usd:1,jpy:1.5', CREDIT_PACKS: '1,100' }).credits)).toThrowError(/outside the purchase bounds 33\.\..* in JPY/);
  });
});

describe.each(storageKindsUnderTest())('credits in the buyer’s currency on %s', (kind) => {
  let server: TestTopup;
  let token: string;
  beforeAll(async () => {
    server = await startTestTopup({ kind, environment });
    token = await server.devToken({ userId: 'user_currencies' });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function pricingIn(currency: string | null): Promise<PricingAnswer> {
    const result = await server.graphql<PricingAnswer>(pricingQuery, { token, variables: { currency } });
    expect(result.body.errors).toBeUndefined();
    return result.body.data!;
  }

  async function buy(credits: number, currency: string | null, userToken = token): Promise<Session> {
    const result = await server.graphql<{ createCreditTopUpSession: Session }>(createSession, { token: userToken, variables: { credits, currency } });
    expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined();
    return result.body.data!.createCreditTopUpSession;
  }

  /** `buy` as `userId` (signed in with a dev token of its own). */
  async function buyAs(userId: string, credits: number, currency: string | null): Promise<Session> {
    return buy(credits, currency, await server.devToken({ userId }));
  }

  async function purchaseRecord(sessionId: string): Promise<PurchaseRecord> {
    const rows = await server.database!.query<PurchaseRecord>('select * from credit_purchases where session_id = $1', [sessionId]);
    return rows[0]!;
  }

  async function balanceOf(userId: string): Promise<number> {
    const rows = await server.database!.query<{ credits: string | number }>('select credits from users where id = $1', [userId]);
    return Number(rows[0]?.credits ?? 0);
  }

  it('answers the offered currencies, each case accepted, lower case in answers, and BAD_USER_INPUT for one not offered', async () => {
    // Proves the contract's spelling: currencies in order, pricing without a currency is the default's, "JPY" and "jpy" are one currency, GBP is refused everywhere before Stripe is called.
    const byDefault = await pricingIn(null);
    expect(byDefault.currencies).toEqual(['usd', 'eur', 'jpy', 'kwd']);
    expect(byDefault.pricing).toMatchObject({ currency: 'usd', unitPrice: '0.01', currencyExponent: 2, creditsMin: 50 });
    expect((await pricingIn('JPY')).pricing).toMatchObject({ currency: 'jpy', unitPrice: '1.5', currencyExponent: 0, creditsMin: 33 });
    expect((await pricingIn('Kwd')).pricing).toMatchObject({ currency: 'kwd', currencyExponent: 3, creditsMin: 150 });
    const sessionsBefore = (await server.topup.stripe.checkout.sessions.list({ limit: 100 })).data.length;
    for (const [query, variables] of [
      [pricingQuery, { currency: 'gbp' }],
      [quoteQuery, { credits: 100, currency: 'gbp' }],
      [createSession, { credits: 100, currency: 'gbp' }],
      [createSession, { credits: 32, currency: 'jpy' }],
    ] as const) {
      const result = await server.graphql(query, { token, variables });
      expect(result.body.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
    expect((await server.topup.stripe.checkout.sessions.list({ limit: 100 })).data.length).toBe(sessionsBefore);
  });

  it.each(['usd', 'eur', 'jpy', 'kwd'])('charges %s exactly what is shown, for every pack and both bounds, and records it', async (currency) => {
    // Proves price shown (packs, priceQuote) == price charged (the sandbox's amount_total and line item) == recorded (credit_purchases), at the bounds too, then one paid session grants the recorded credits.
    const { pricing } = await pricingIn(currency.toUpperCase());
    const amounts = [...pricing.packs.map((pack) => pack.credits), pricing.creditsMin, pricing.creditsMax];
    let lastSession: Session | null = null;
    for (const credits of amounts) {
      const quote = await server.graphql<{ priceQuote: { amountMinor: number; currency: string } }>(quoteQuery, { token, variables: { credits, currency } });
      const shown = quote.body.data!.priceQuote.amountMinor;
      expect(quote.body.data!.priceQuote.currency).toBe(currency);
      const pack = pricing.packs.find((candidate) => candidate.credits === credits);
      if (pack) expect(pack.amountMinor).toBe(shown);
      const session = await buy(credits, currency.toUpperCase());
      expect(session).toMatchObject({ credits, amountMinor: shown, currency });
      const atStripe = await server.topup.stripe.checkout.sessions.retrieve(session.sessionId, { expand: ['line_items'] });
      expect(atStripe.amount_total).toBe(shown);
      expect(atStripe.currency).toBe(currency);
      expect(atStripe.line_items!.data[0]!.amount_total).toBe(shown);
      expect(atStripe.line_items!.data[0]!.currency).toBe(currency);
      const record = await purchaseRecord(session.sessionId);
      expect({ credits: Number(record.credits), amountMinor: Number(record.amount_minor), currency: record.currency }).toEqual({ credits, amountMinor: shown, currency });
      lastSession = session;
    }
    // The exponents: the USD minimum is 50 cents, EUR's 50 cents, JPY's ¥50 in whole yen, KWD's 0.500 in fils (multiples of 10).
    const minimumShown = (await server.graphql<{ priceQuote: { amountMinor: number } }>(quoteQuery, { token, variables: { credits: pricing.creditsMin, currency } })).body.data!.priceQuote.amountMinor;
    expect(minimumShown).toBe({ usd: 50, eur: 50, jpy: 50, kwd: 500 }[currency]);
    const small = await buy(pricing.creditsMin, currency);
    const userId = 'user_currencies';
    const before = await balanceOf(userId);
    await server.sandbox(`/sandbox/checkout/sessions/${small.sessionId}/pay`, { outcome: 'paid' });
    await server.webhooksDelivered();
    const paid = await purchaseRecord(small.sessionId);
    expect(Number(paid.amount_paid_minor)).toBe(small.amountMinor);
    expect(Number(paid.credits_granted)).toBe(pricing.creditsMin);
    expect(paid.presentment_currency).toBeNull();
    expect(await balanceOf(userId)).toBe(before + pricing.creditsMin);
    expect(lastSession).not.toBeNull();
  });

  it('grants the recorded credits for a session Stripe converted into another currency, and stores what was charged', async () => {
    // Proves Adaptive Pricing's shape: bought 1,000 credits for USD 10.00, paid ¥1,505 at 150.5; granting from ¥1,505 at the JPY price would give 1,003: the grant is the record's 1,000.
    const session = await buyAs('user_adaptiveyen', 1000, 'usd');
    const paid = await server.sandbox<{ amount_total: number; currency: string; currency_conversion: Record<string, unknown> }>(
      `/sandbox/checkout/sessions/${session.sessionId}/pay`,
      { outcome: 'paid', presentmentCurrency: 'JPY', fxRate: '150.5' },
    );
    expect(paid).toMatchObject({ amount_total: 1505, currency: 'jpy', currency_conversion: { amount_total: 1000, fx_rate: '150.5', source_currency: 'usd' } });
    await server.webhooksDelivered();
    const record = await purchaseRecord(session.sessionId);
    expect(record.flag_reason).toBeNull();
    expect(Number(record.credits_granted)).toBe(1000);
    expect({ amountPaidMinor: Number(record.amount_paid_minor), currency: record.currency }).toEqual({ amountPaidMinor: 1000, currency: 'usd' });
    expect({ amount: Number(record.presentment_amount_minor), currency: record.presentment_currency, fxRate: Number(record.presentment_fx_rate) }).toEqual({
      amount: 1505, currency: 'jpy', fxRate: 150.5,
    });
    expect(await balanceOf('user_adaptiveyen')).toBe(1000);
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    const shown = await server.graphql<{ user: { purchases: { edges: { node: Record<string, unknown> }[] } } }>(
      '{ user(id: "user_adaptiveyen") { purchases { edges { node { sessionId currency amountMinor amountPaidMinor presentmentAmountMinor presentmentCurrency fxRate creditsGranted } } } } }',
      { token: admin },
    );
    expect(shown.body.data!.user.purchases.edges[0]!.node).toMatchObject({
      currency: 'usd', amountMinor: 1000, amountPaidMinor: 1000, presentmentAmountMinor: 1505, presentmentCurrency: 'jpy', fxRate: '150.5', creditsGranted: 1000,
    });
  });

  it('claws back a refund of a converted session in proportion within the currency charged', async () => {
    // Proves the proportion uses the amount charged in the refund's currency: 1,000 credits for EUR 9.50 paid as USD 11.02 (fx 1.16); refunding USD 5.51 of 11.02 takes back 500, not ceil(1000 × 551 / 950) = 580.
    const session = await buyAs('user_adaptiverefund', 1000, 'eur');
    expect(session.amountMinor).toBe(950);
    await server.sandbox(`/sandbox/checkout/sessions/${session.sessionId}/pay`, { outcome: 'paid', presentmentCurrency: 'usd', fxRate: '1.16' });
    await server.webhooksDelivered();
    const record = await purchaseRecord(session.sessionId);
    expect({ presentment: Number(record.presentment_amount_minor), currency: record.presentment_currency, granted: Number(record.credits_granted) }).toEqual({
      presentment: 1102, currency: 'usd', granted: 1000,
    });
    const atStripe = await server.topup.stripe.checkout.sessions.retrieve(session.sessionId);
    await server.topup.stripe.refunds.create({ payment_intent: atStripe.payment_intent as string, amount: 551 });
    await server.webhooksDelivered();
    const refunded = await purchaseRecord(session.sessionId);
    expect(Number(refunded.credits_clawed_back)).toBe(500);
    expect(refunded.status).toBe('partially_refunded');
    expect(await balanceOf('user_adaptiverefund')).toBe(500);
  });

  it('flags a converted session whose source currency is not the recorded one, and grants nothing', async () => {
    // Proves a mismatch that currency_conversion does not explain is still flagged: recorded in USD, Stripe says converted from GBP.
    const session = await buyAs('user_adaptivemismatch', 1000, 'usd');
    const event = stripeEvent('checkout.session.completed', checkoutSession({
      sessionId: session.sessionId,
      amountMinor: 1160,
      currency: 'eur',
      paymentIntentId: 'pi_adaptive_mismatch',
      metadata: topUpMetadata('user_adaptivemismatch', 1000),
      overrides: { currency_conversion: { amount_subtotal: 1000, amount_total: 1000, fx_rate: '1.16' as never, source_currency: 'gbp' } },
    }));
    const answer = await postStripeWebhook(server.url, eventPayload(event), { secret: server.webhookSecret });
    expect(answer.status).toBe(200);
    const record = await purchaseRecord(session.sessionId);
    expect(record.flag_reason).toBe('paid in GBP, expected USD');
    expect(Number(record.credits_granted)).toBe(0);
    expect(record.presentment_currency).toBe('eur');
    expect(await balanceOf('user_adaptivemismatch')).toBe(0);
  });

  it('rounds refunds of a zero-decimal purchase up to whole credits, on the cumulative refund', async () => {
    // Proves docs/reference/stripe.md's rule in JPY: 1,000 credits for ¥1,500; cumulative refunds of ¥1, ¥100, ¥750, ¥1,500 claw back ceil(1000 × r / 1500) = 1, 67, 500, 1,000.
    const session = await buyAs('user_yenrefunds', 1000, 'jpy');
    expect(session.amountMinor).toBe(1500);
    await server.sandbox(`/sandbox/checkout/sessions/${session.sessionId}/pay`, { outcome: 'paid' });
    await server.webhooksDelivered();
    const paymentIntent = (await server.topup.stripe.checkout.sessions.retrieve(session.sessionId)).payment_intent as string;
    const steps = [
      { refundYen: 1, clawedBack: 1 },
      { refundYen: 99, clawedBack: 67 },
      { refundYen: 650, clawedBack: 500 },
      { refundYen: 750, clawedBack: 1000 },
    ];
    for (const step of steps) {
      await server.topup.stripe.refunds.create({ payment_intent: paymentIntent, amount: step.refundYen });
      await server.webhooksDelivered();
      const record = await purchaseRecord(session.sessionId);
      expect(Number(record.credits_clawed_back), `after refunding ¥${step.refundYen} more`).toBe(step.clawedBack);
      expect(await balanceOf('user_yenrefunds')).toBe(1000 - step.clawedBack);
    }
    expect((await purchaseRecord(session.sessionId)).status).toBe('refunded');
  });

  it('reports revenue per currency in creditStats, never summed across currencies', async () => {
    // Proves the admin's stats: today's bucket has one revenue entry per currency paid above, in its own minor units, and revenueMinor is USD's alone.
    const admin = await server.devToken({ userId: testAdminUserId, role: 'admin' });
    const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
    const result = await server.graphql<{ creditStats: { currency: string; currencies: string[]; buckets: { revenueMinor: number; revenue: { currency: string; amountMinor: number; purchases: number }[] }[] } }>(
      'query ($from: DateTime!, $to: DateTime!) { creditStats(from: $from, to: $to, interval: DAY) { currency currencies buckets { revenueMinor revenue { currency amountMinor creditsSold purchases } } } }',
      { token: admin, variables: { from: today.toISOString(), to: new Date(today.getTime() + 86_400_000).toISOString() } },
    );
    expect(result.body.errors).toBeUndefined();
    const stats = result.body.data!.creditStats;
    expect(stats.currency).toBe('usd');
    expect(stats.currencies).toEqual(expect.arrayContaining(['usd', 'eur', 'jpy', 'kwd']));
    const revenue = Object.fromEntries(stats.buckets[0]!.revenue.map((entry) => [entry.currency, entry.amountMinor]));
    const expected = await server.database!.query<{ currency: string; amount: string | number }>(
      'select currency, sum(amount_paid_minor) as amount from credit_purchases where credits_granted > 0 group by currency',
    );
    expect(revenue).toEqual(Object.fromEntries(expected.map((row) => [row.currency, Number(row.amount)])));
    expect(stats.buckets[0]!.revenueMinor).toBe(revenue.usd);
  });
});
