import { StripeApiError } from '../stripeApiError.ts';

/**
 * Looks up a stored object by id; `resourceName` is the name Stripe's 404 uses (`charge`,
 * `payment_intent`, `checkout session`).
 *
 * Errors: Stripe's 404 `resource_missing` ("No such charge: 'ch_123'"), naming `param`.
 */
export function findRecord<T>(records: Record<string, T>, resourceName: string, id: string, param = 'id'): T {
  const record = Object.hasOwn(records, id) ? records[id] : undefined;
  if (record === undefined) throw StripeApiError.resourceMissing(resourceName, id, param);
  return record;
}
