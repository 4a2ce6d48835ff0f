import type Stripe from 'stripe';
import type { StripeEventRecord } from './purchaseRecords.ts';

/**
 * The largest event JSON kept for the admins' log, in bytes of `JSON.stringify`. Checkout and charge
 * events weigh a few kilobytes; the bound keeps one odd event from bloating the table, and leaves
 * room under the column's 64 KiB CHECK for the spaces PostgreSQL's jsonb text form adds.
 */
export const stripeEventPayloadBytesMax = 32 * 1024;

/**
 * What the database keeps of a verified event: its identity and, for the log, its JSON (a marker
 * `{truncated, bytes}` when larger than `stripeEventPayloadBytesMax`).
 */
export function stripeEventRecord(event: Stripe.Event): StripeEventRecord {
  const json = JSON.stringify(event);
  const bytes = Buffer.byteLength(json, 'utf8');
  // The event itself, not a parsed copy of `json`: it is JSON.parse's output (the webhook's body),
  // serialized again as the call's parameter, and no one changes it (a copy cost a webhook ~20 µs).
  const payload = bytes <= stripeEventPayloadBytesMax ? (event as unknown) : { truncated: true, bytes, id: event.id, type: event.type };
  return { id: event.id, type: event.type, created: event.created, livemode: event.livemode, payload };
}
