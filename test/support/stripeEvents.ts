import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';

/**
 * Fake Stripe events for tests, the benchmark and the chaos run, in one place: objects start from
 * Stripe's own samples (`test/fixtures/stripe/fixtures3.json`, MIT, from stripe/openapi) so they
 * have the real shape, callers override only the fields they are about, and payloads are signed by
 * the real `stripe` SDK (`webhooks.generateTestHeaderString`), as Stripe signs them.
 */
const fixturesPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/stripe/fixtures3.json');
const resources = (JSON.parse(fs.readFileSync(fixturesPath, 'utf8')) as { resources: Record<string, unknown> }).resources;

/** The SDK's webhook helpers need a client; this one never calls Stripe. */
const signer = new Stripe('sk_test_event_signer_only');

/** Stripe's sample object `name` (a fixtures3 resource), with `overrides` on top. */
export function stripeFixture<Resource>(name: string, overrides: Partial<Resource> = {}): Resource {
  const base = resources[name];
  if (base === undefined) throw new Error(`no Stripe fixture named ${name}`);
  return { ...structuredClone(base as Resource), ...overrides };
}

let sequence = 0;

/** An event of `type` carrying `object`, shaped like fixtures3's `event`; a fresh id and the current time unless given. */
export function stripeEvent(type: string, object: unknown, options: { id?: string; created?: number } = {}): Stripe.Event {
  sequence += 1;
  const event = {
    ...stripeFixture<Record<string, unknown>>('event'),
    id: options.id ?? `evt_test_${Date.now().toString(36)}_${sequence}`,
    type,
    created: options.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object },
  };
  return event as unknown as Stripe.Event;
}

/** The metadata Topup puts on a top-up's session and payment intent. */
export function topUpMetadata(userId: string, credits: number | string): Record<string, string> {
  return { type: 'credit_topup', clerk_user_id: userId, credits_amount: String(credits) };
}

/**
 * A completed checkout session of a top-up: paid (or `paid: false`), `amountMinor` in `currency`
 * (usd), the top-up metadata of `userId` and `credits` unless `metadata` replaces it; no
 * `currency_conversion` unless `overrides` sets one.
 */
export function checkoutSession(options: {
  sessionId: string;
  userId?: string;
  credits?: number;
  amountMinor: number;
  paymentIntentId: string | null;
  paid?: boolean;
  currency?: string;
  metadata?: Record<string, string>;
  overrides?: Partial<Stripe.Checkout.Session>;
}): Stripe.Checkout.Session {
  const metadata = options.metadata ?? topUpMetadata(options.userId ?? 'user_unnamed', options.credits ?? options.amountMinor);
  return stripeFixture<Stripe.Checkout.Session>('checkout.session', {
    id: options.sessionId,
    mode: 'payment',
    status: 'complete',
    payment_status: options.paid === false ? 'unpaid' : 'paid',
    amount_total: options.amountMinor,
    amount_subtotal: options.amountMinor,
    currency: options.currency ?? 'usd',
    client_reference_id: metadata.clerk_user_id ?? null,
    metadata,
    payment_intent: options.paymentIntentId,
    // The fixture's sample conversion is placeholder data: a session paid in its own currency has
    // none (Adaptive Pricing tests pass `overrides.currency_conversion`).
    currency_conversion: null,
    ...options.overrides,
  });
}

/** The charge of `paymentIntentId`, with the cumulative `amountRefundedMinor` that `charge.refunded` carries. */
export function refundedCharge(options: { paymentIntentId: string; amountMinor: number; amountRefundedMinor: number; chargeId?: string }): Stripe.Charge {
  return stripeFixture<Stripe.Charge>('charge', {
    id: options.chargeId ?? `ch_${options.paymentIntentId}`,
    payment_intent: options.paymentIntentId,
    amount: options.amountMinor,
    amount_captured: options.amountMinor,
    amount_refunded: options.amountRefundedMinor,
    refunded: options.amountRefundedMinor >= options.amountMinor,
  });
}

/** A dispute of `paymentIntentId` in `status` (`needs_response` for `charge.dispute.created`). */
export function dispute(options: { paymentIntentId: string; status: Stripe.Dispute.Status; disputeId?: string; chargeId?: string }): Stripe.Dispute {
  return stripeFixture<Stripe.Dispute>('dispute', {
    id: options.disputeId ?? `dp_${options.paymentIntentId}`,
    payment_intent: options.paymentIntentId,
    ...(options.chargeId ? { charge: options.chargeId } : {}),
    status: options.status,
  });
}

/** The bytes Stripe sends: pretty-printed JSON. */
export function eventPayload(event: Stripe.Event | Record<string, unknown>): string {
  return JSON.stringify(event, null, 2);
}

/** A `Stripe-Signature` header over `payload`, by the real SDK; now unless `timestamp` (unix seconds) is given. */
export function signStripePayload(payload: string, secret: string, timestamp?: number): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}

export interface WebhookAnswer {
  status: number;
  /** The JSON answer, or null when it was not JSON. */
  body: Record<string, unknown> | null;
  text: string;
}

/**
 * POSTs `payload` to Topup's webhook route at `baseUrl`, signed with `secret` (at `timestamp`),
 * or with the given `signature` header (null: none at all).
 */
export async function postStripeWebhook(
  baseUrl: string,
  payload: string,
  options: { secret: string; timestamp?: number; signature?: string | null; contentType?: string; method?: string },
): Promise<WebhookAnswer> {
  const signature = options.signature === undefined ? signStripePayload(payload, options.secret, options.timestamp) : options.signature;
  const method = options.method ?? 'POST';
  const response = await fetch(`${baseUrl}/api/stripe/webhooks`, {
    method,
    headers: { 'content-type': options.contentType ?? 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
    ...(method === 'GET' ? {} : { body: payload }),
  });
  const text = await response.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: `text` has it.
  }
  return { status: response.status, body, text };
}
