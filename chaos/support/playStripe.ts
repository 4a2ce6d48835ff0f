import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { createStripeClient } from '../../server/billing/stripe/createStripeClient.ts';
import { sandboxApiKey } from '../../server/billing/stripe/sandboxApiKey.ts';
import { startStripeSandbox, type StripeSandbox } from '@topup/stripe-sandbox';
import type { SqlExecutor } from '../../server/db/sqlDatabase.ts';

/**
 * What happens to one purchase at "Stripe". Every scenario is played through the Stripe sandbox,
 * so the events are the sandbox's own (real shapes, real ordering keys, signed).
 */
export const scenarios = [
  'paid',
  'async_succeeded',
  'async_failed',
  'declined',
  'expired',
  'partial_refund',
  'two_partial_refunds',
  'full_refund',
  'dispute_lost',
  'dispute_won',
  'refund_then_dispute_lost',
] as const;
export type Scenario = (typeof scenarios)[number];

/** How often each scenario is drawn, out of 100. */
const scenarioWeights: Record<Scenario, number> = {
  paid: 28,
  async_succeeded: 10,
  async_failed: 8,
  declined: 4,
  expired: 5,
  partial_refund: 12,
  two_partial_refunds: 6,
  full_refund: 8,
  dispute_lost: 7,
  dispute_won: 7,
  refund_then_dispute_lost: 5,
};

export interface PlayedPurchase {
  sessionId: string;
  userId: string;
  scenario: Scenario;
  credits: number;
  amountMinor: number;
  /** Cumulative amount refunded at Stripe, in minor units. */
  refundedMinor: number;
}

/** What the database must say about a purchase at the end, computed here, independently of Topup. */
export interface ExpectedPurchase {
  status: 'open' | 'paid' | 'failed' | 'expired' | 'refunded' | 'partially_refunded' | 'disputed';
  creditsGranted: number;
  creditsClawedBack: number;
  amountRefundedMinor: number;
}

/** One event as Stripe sent it: the exact body (its signature is made fresh for every delivery). */
export interface CapturedEvent {
  id: string;
  type: string;
  body: string;
}

export interface StripeStage {
  sandbox: StripeSandbox;
  stripe: Stripe;
  /** The events captured before `relayLiveEvents` (the played purchases'): the storm delivers them. */
  events: CapturedEvent[];
  /** From now on every new event the sandbox emits goes to `accept` (the live relay) instead of `events`. */
  relayLiveEvents(accept: (event: CapturedEvent) => void): void;
  close(): Promise<void>;
}

/**
 * "Stripe" for the chaos run: the project's Stripe sandbox, started in the driver with the servers'
 * webhook secret and the sandbox API key (so `npm run stripe:reconcile` with STRIPE_SANDBOX_PORT can
 * list its events and sessions), delivering its webhooks to a sink here that records them; the
 * driver then delivers them itself, shuffled and duplicated, to the instances. Once the instances
 * share this sandbox (STRIPE_SANDBOX_URL: their auto top-ups are paid here), new events go to the
 * live relay instead (`relayLiveEvents`), which delivers them to every instance until each answers 2xx.
 */
export async function startStripeStage(options: { dataDirectory: string; webhookSecret: string }): Promise<StripeStage> {
  const events: CapturedEvent[] = [];
  const seen = new Set<string>();
  let live: ((event: CapturedEvent) => void) | null = null;
  const sink = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as { id: string; type: string };
      if (!seen.has(event.id)) {
        seen.add(event.id);
        if (live === null) events.push({ id: event.id, type: event.type, body });
        else live({ id: event.id, type: event.type, body });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.address() as AddressInfo).port;
  const sandbox = await startStripeSandbox({
    port: 0,
    dataDirectory: options.dataDirectory,
    webhookUrl: `http://127.0.0.1:${sinkPort}/webhooks`,
    webhookSecret: options.webhookSecret,
    apiKey: sandboxApiKey,
    retryDelaysMilliseconds: [50, 100, 200, 400, 800],
    // The end checks read every payment intent and event of the run back: nothing is forgotten.
    retention: { payments: 1_000_000, events: 1_000_000 },
  });
  const stripe = createStripeClient({ secretKey: sandboxApiKey, baseUrl: sandbox.url });
  return {
    sandbox,
    stripe,
    events,
    relayLiveEvents(accept) {
      live = accept;
    },
    async close() {
      await sandbox.close();
      sink.closeAllConnections();
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    },
  };
}

/** Draws `count` purchases over `userCount` users: scenario, credits (50..2049) and a price above 1 cent a credit. */
export function drawPurchases(options: { count: number; userCount: number; random: () => number }): Omit<PlayedPurchase, 'sessionId' | 'refundedMinor'>[] {
  const table = scenarios.flatMap((scenario) => Array.from({ length: scenarioWeights[scenario] }, () => scenario));
  return Array.from({ length: options.count }, (_, index) => {
    const credits = 50 + Math.floor(options.random() * 2000);
    // A price that does not divide evenly, so proportional clawbacks round.
    const amountMinor = Math.ceil(credits * 1.37);
    return { userId: `user_chaos${index % options.userCount}`, scenario: table[Math.floor(options.random() * table.length)]!, credits, amountMinor };
  });
}

/**
 * Plays one purchase at the sandbox, as the app and the customer would: the checkout session
 * (metadata exactly as `createTopUpSession` writes it), recorded in the database as the server does
 * (`record_checkout_session`), then paid, failed, refunded or disputed per its scenario.
 */
export async function playPurchase(options: {
  stage: StripeStage;
  database: SqlExecutor;
  purchase: Omit<PlayedPurchase, 'sessionId' | 'refundedMinor'>;
  random: () => number;
}): Promise<PlayedPurchase> {
  const { stage, purchase } = options;
  const metadata = { type: 'credit_topup', clerk_user_id: purchase.userId, credits_amount: String(purchase.credits) };
  const session = await stage.stripe.checkout.sessions.create({
    mode: 'payment',
    customer_email: `${purchase.userId}@example.com`,
    client_reference_id: purchase.userId,
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: purchase.amountMinor, product_data: { name: `${purchase.credits} credits` } } }],
    metadata,
    payment_intent_data: { metadata },
    success_url: 'http://127.0.0.1:9/payment/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:9/billing',
  });
  await options.database.query(
    `select record_checkout_session(p_session_id => $1, p_user_id => $2, p_credits => $3, p_amount_minor => $4, p_currency => 'usd')`,
    [session.id, purchase.userId, purchase.credits, purchase.amountMinor],
  );
  const control = (pathname: string, body: Record<string, unknown> = {}) => sandboxControl(stage.sandbox.url, pathname, body);
  let refundedMinor = 0;
  const refund = async (amountMinor: number) => {
    const paymentIntentId = await paymentIntentOf(stage, session.id);
    await stage.stripe.refunds.create({ payment_intent: paymentIntentId, amount: amountMinor });
    refundedMinor += amountMinor;
  };
  const pay = () => control(`/sandbox/checkout/sessions/${session.id}/pay`, { outcome: 'paid' });
  // A partial refund leaves at least one minor unit, so it never becomes a full one.
  const partial = () => 1 + Math.floor(options.random() * Math.max(1, Math.floor(purchase.amountMinor / 2) - 1));
  switch (purchase.scenario) {
    case 'paid':
      await pay();
      break;
    case 'async_succeeded':
    case 'async_failed':
      await control(`/sandbox/checkout/sessions/${session.id}/pay`, { outcome: 'async_pending' });
      await control(`/sandbox/checkout/sessions/${session.id}/async`, { result: purchase.scenario === 'async_succeeded' ? 'succeeded' : 'failed' });
      break;
    case 'declined':
      await control(`/sandbox/checkout/sessions/${session.id}/pay`, { outcome: 'declined' }, ).catch(() => undefined);
      break;
    case 'expired':
      await control(`/sandbox/checkout/sessions/${session.id}/expire`);
      break;
    case 'partial_refund':
      await pay();
      await refund(partial());
      break;
    case 'two_partial_refunds':
      await pay();
      await refund(partial());
      await refund(Math.max(1, Math.floor((purchase.amountMinor - refundedMinor) / 3)));
      break;
    case 'full_refund':
      await pay();
      await refund(purchase.amountMinor);
      break;
    case 'dispute_lost':
    case 'dispute_won': {
      await pay();
      const paymentIntentId = await paymentIntentOf(stage, session.id);
      await control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'needs_response' });
      await control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: purchase.scenario === 'dispute_won' ? 'won' : 'lost' });
      break;
    }
    case 'refund_then_dispute_lost': {
      await pay();
      await refund(partial());
      const paymentIntentId = await paymentIntentOf(stage, session.id);
      await control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'needs_response' });
      await control(`/sandbox/payment_intents/${paymentIntentId}/dispute`, { status: 'lost' });
      break;
    }
  }
  return { ...purchase, sessionId: session.id, refundedMinor };
}

/**
 * The final state each scenario implies, from the rules of the contract alone: a paid session
 * grants its credits once; refunds claw back credits in proportion to the cumulative amount
 * refunded, rounded up; an open or lost dispute claws back everything granted; a won one nothing.
 */
export function expectedFinalState(purchase: PlayedPurchase): ExpectedPurchase {
  const { credits, amountMinor, refundedMinor } = purchase;
  const refundClawback = Math.min(credits, Math.ceil((credits * refundedMinor) / amountMinor));
  switch (purchase.scenario) {
    case 'paid':
    case 'async_succeeded':
    case 'dispute_won':
      return { status: 'paid', creditsGranted: credits, creditsClawedBack: 0, amountRefundedMinor: 0 };
    case 'async_failed':
      return { status: 'failed', creditsGranted: 0, creditsClawedBack: 0, amountRefundedMinor: 0 };
    case 'declined':
      return { status: 'open', creditsGranted: 0, creditsClawedBack: 0, amountRefundedMinor: 0 };
    case 'expired':
      return { status: 'expired', creditsGranted: 0, creditsClawedBack: 0, amountRefundedMinor: 0 };
    case 'partial_refund':
    case 'two_partial_refunds':
      return { status: 'partially_refunded', creditsGranted: credits, creditsClawedBack: refundClawback, amountRefundedMinor: refundedMinor };
    case 'full_refund':
      return { status: 'refunded', creditsGranted: credits, creditsClawedBack: credits, amountRefundedMinor: refundedMinor };
    case 'dispute_lost':
    case 'refund_then_dispute_lost':
      return { status: 'disputed', creditsGranted: credits, creditsClawedBack: credits, amountRefundedMinor: refundedMinor };
  }
}

async function paymentIntentOf(stage: StripeStage, sessionId: string): Promise<string> {
  const session = await stage.stripe.checkout.sessions.retrieve(sessionId);
  const paymentIntent = session.payment_intent;
  if (paymentIntent === null) throw new Error(`session ${sessionId} has no payment intent`);
  return typeof paymentIntent === 'string' ? paymentIntent : paymentIntent.id;
}

async function sandboxControl(baseUrl: string, pathname: string, body: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${baseUrl}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`sandbox ${pathname}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}
