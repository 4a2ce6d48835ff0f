import type Stripe from 'stripe';

/** The events the sandbox emits, each with the type of object its `data.object` holds. */
export type SandboxEventInput =
  | {
      type:
        | 'checkout.session.completed'
        | 'checkout.session.expired'
        | 'checkout.session.async_payment_succeeded'
        | 'checkout.session.async_payment_failed';
      object: Stripe.Checkout.Session;
    }
  | {
      type:
        | 'payment_intent.created'
        | 'payment_intent.succeeded'
        | 'payment_intent.processing'
        | 'payment_intent.requires_action'
        | 'payment_intent.payment_failed';
      object: Stripe.PaymentIntent;
    }
  | { type: 'charge.succeeded' | 'charge.refunded'; object: Stripe.Charge }
  | { type: 'refund.created'; object: Stripe.Refund }
  | { type: 'charge.dispute.created' | 'charge.dispute.updated' | 'charge.dispute.closed'; object: Stripe.Dispute };

/**
 * An event shaped like `resources.event` of fixtures3.json. `data.object` must be a snapshot
 * (a copy) of the object at the moment of the event, as Stripe sends it, not the live record.
 */
export function buildEvent(fields: {
  id: string;
  created: number;
  apiVersion: string;
  request: Stripe.Event.Request;
  input: SandboxEventInput;
}): Stripe.Event {
  const base = {
    id: fields.id,
    object: 'event' as const,
    api_version: fields.apiVersion,
    created: fields.created,
    livemode: false,
    // The sandbox has exactly one webhook endpoint.
    pending_webhooks: 1,
    request: fields.request,
  };
  // One branch per object kind lets the compiler pair each event type with its object type.
  const input = fields.input;
  switch (input.type) {
    case 'checkout.session.completed':
    case 'checkout.session.expired':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
      return { ...base, type: input.type, data: { object: input.object } };
    case 'payment_intent.created':
    case 'payment_intent.succeeded':
    case 'payment_intent.processing':
    case 'payment_intent.requires_action':
    case 'payment_intent.payment_failed':
      return { ...base, type: input.type, data: { object: input.object } };
    case 'charge.succeeded':
    case 'charge.refunded':
      return { ...base, type: input.type, data: { object: input.object } };
    case 'refund.created':
      return { ...base, type: input.type, data: { object: input.object } };
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed':
      return { ...base, type: input.type, data: { object: input.object } };
  }
}
