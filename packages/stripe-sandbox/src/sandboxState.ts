import type Stripe from 'stripe';
import type { WireLineItem } from './objects/buildLineItem.ts';

/**
 * Everything the sandbox knows, in one JSON-serializable object that is written to
 * `stripe-sandbox.json`. Records are keyed by id; JavaScript keeps the insertion order of
 * non-numeric string keys, also through JSON, so insertion order is creation order and lists
 * (newest first) read the records backwards.
 */
export interface SandboxState {
  /** Bumped when the shape changes, so an old file is refused instead of misread. */
  formatVersion: typeof sandboxStateFormatVersion;
  /** The fake secret key the API accepts; generated once per data directory. */
  apiKey: string;
  /** The `whsec_...` secret events are signed with; generated once per data directory. */
  webhookSecret: string;
  customers: Record<string, Stripe.Customer>;
  checkoutSessions: Record<string, StoredCheckoutSession>;
  paymentIntents: Record<string, Stripe.PaymentIntent>;
  /** Card payment methods, created when a customer pays; `customer` is set once saved (attached). */
  paymentMethods: Record<string, Stripe.PaymentMethod>;
  /** What each customer's saved card does on its next payments (`/sandbox/customers/{id}/card`); absent: succeed. */
  cardBehaviors: Record<string, CardBehavior>;
  charges: Record<string, Stripe.Charge>;
  refunds: Record<string, Stripe.Refund>;
  disputes: Record<string, Stripe.Dispute>;
  events: Record<string, Stripe.Event>;
  idempotencyEntries: Record<string, IdempotencyEntry>;
  deliveries: Record<string, WebhookDelivery>;
  /** Orders deliveries created in the same millisecond. */
  deliverySequence: number;
}

export const sandboxStateFormatVersion = 1;

/**
 * What a saved card does when charged (Stripe's test cards: 4242 succeeds, 4000 0025 0000 3155 needs
 * authentication, 4000 0000 0000 9995 has insufficient funds, 4000 0000 0000 0002 is declined,
 * 4000 0000 0000 0069 is expired).
 */
export type CardBehavior = 'succeed' | 'authentication_required' | 'card_declined' | 'insufficient_funds' | 'expired_card';
export const cardBehaviors: readonly CardBehavior[] = ['succeed', 'authentication_required', 'card_declined', 'insufficient_funds', 'expired_card'];

/** Fills in the records a state file written before they existed lacks (same format otherwise). */
export function upgradeSandboxState(state: SandboxState): SandboxState {
  state.paymentMethods ??= {};
  state.cardBehaviors ??= {};
  return state;
}

/**
 * A checkout session with what Stripe keeps next to it but does not show on the object: its
 * line items (a separate list endpoint) and `payment_intent_data`, copied onto the payment
 * intent when the customer pays.
 */
export interface StoredCheckoutSession {
  session: Stripe.Checkout.Session;
  lineItems: WireLineItem[];
  paymentIntentData: {
    metadata: Record<string, string>;
    description: string | null;
    /** `payment_intent_data.setup_future_usage`: the session asked to save the card (absent in older state files). */
    setupFutureUsage?: 'off_session' | 'on_session' | null;
  };
}

/** The response of one idempotent POST, replayed when the same key comes back. */
export interface IdempotencyEntry {
  key: string;
  method: string;
  path: string;
  /** SHA-256 of the canonical parameters, to detect the same key with different parameters. */
  parametersHash: string;
  statusCode: number;
  responseBody: string;
  requestId: string;
  createdAt: number;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event on its way to the webhook endpoint, with every attempt made so far. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  /** Deliveries sharing a key (usually a checkout session id) are sent one at a time, in order. */
  orderingKey: string;
  sequence: number;
  status: WebhookDeliveryStatus;
  attempts: WebhookDeliveryAttempt[];
  /** Unix milliseconds of the next attempt while pending; null once settled. */
  nextAttemptAt: number | null;
  createdAt: number;
}

export interface WebhookDeliveryAttempt {
  attemptedAt: number;
  url: string;
  /** The `t=` of the Stripe-Signature header, unix seconds. */
  signatureTimestamp: number;
  statusCode: number | null;
  error: string | null;
  durationMilliseconds: number;
}

export function createEmptySandboxState(options: { apiKey: string; webhookSecret: string }): SandboxState {
  return {
    formatVersion: sandboxStateFormatVersion,
    apiKey: options.apiKey,
    webhookSecret: options.webhookSecret,
    customers: {},
    checkoutSessions: {},
    paymentIntents: {},
    paymentMethods: {},
    cardBehaviors: {},
    charges: {},
    refunds: {},
    disputes: {},
    events: {},
    idempotencyEntries: {},
    deliveries: {},
    deliverySequence: 0,
  };
}
