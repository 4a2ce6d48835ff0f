import type Stripe from 'stripe';
import { createId } from './createId.ts';
import { buildEvent, type SandboxEventInput } from './objects/buildEvent.ts';
import { pendingDeliveryEventIds } from './retainState.ts';
import { unixSeconds, type SandboxContext } from './sandboxContext.ts';

/** Stripe lists events of the last 30 days; older ones are forgotten. */
const eventRetentionMilliseconds = 30 * 24 * 60 * 60 * 1000;

/** Who caused an event: the API request (its id and idempotency key), or nobody (null). */
export type EventCause = Stripe.Event.Request;

export const automaticEventCause: EventCause = { id: null, idempotency_key: null };

/**
 * Stores an event whose `data.object` is a snapshot of the object as it is now, and queues its
 * delivery to the webhook endpoint. `orderingKey` groups events that should arrive in order
 * (those of one checkout session). `cause` is the API request that caused it; without one, the
 * event happened by itself (`automaticEventCause`: a payment settling, a dispute opening).
 */
export function recordEvent(
  context: SandboxContext,
  options: { input: SandboxEventInput; orderingKey: string; cause?: EventCause },
): Stripe.Event {
  const snapshot = structuredClone(options.input);
  const event = buildEvent({
    id: createId('evt_1'),
    created: unixSeconds(context.now()),
    apiVersion: context.apiVersion,
    request: { ...(options.cause ?? automaticEventCause) },
    input: snapshot,
  });
  pruneOldEvents(context);
  context.state.events[event.id] = event;
  context.markChanged();
  context.deliveryQueue.enqueue({ eventId: event.id, eventType: event.type, orderingKey: options.orderingKey });
  return event;
}

function pruneOldEvents(context: SandboxContext): void {
  const oldestKeptSeconds = unixSeconds(context.now() - eventRetentionMilliseconds);
  const oldestEvent = firstValue(context.state.events);
  if (oldestEvent === undefined || oldestEvent.created >= oldestKeptSeconds) return;
  const pendingEventIds = pendingDeliveryEventIds(context.state);
  for (const event of Object.values(context.state.events)) {
    // Events are stored oldest first, so the first recent one ends the scan.
    if (event.created >= oldestKeptSeconds) break;
    if (!pendingEventIds.has(event.id)) delete context.state.events[event.id];
  }
}

function firstValue<T>(record: Record<string, T>): T | undefined {
  for (const key in record) return record[key];
  return undefined;
}
