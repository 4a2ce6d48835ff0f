import type { Storage } from '../db/storage.ts';
import { decodeCursor, pageSize, toPage } from '../ledger/pagination.ts';
import type { Page } from '../ledger/ledgerTypes.ts';
import type { StripeEventOutcome } from '../vocabulary.ts';

/** One row of `stripe_events` as `stripe_event_json` (functions/stripe_event_log.sql) answers it. */
export interface StripeEventRow {
  id: string;
  type: string;
  /** Null only while the first delivery is being recorded. */
  outcome: StripeEventOutcome | null;
  description: string | null;
  deliveries: number;
  error: string | null;
  livemode: boolean;
  createdAt: string;
  receivedAt: string;
  processedAt: string | null;
  purchaseSessionId: string | null;
  userId: string | null;
  hasPayload: boolean;
  /** When retention removed the JSON (ISO time); null while stored, or when it never was. */
  payloadRemovedAt: string | null;
}

/** A row with the event's JSON, as `find_stripe_event` answers it. */
export interface StripeEventWithPayload extends StripeEventRow {
  payload: unknown;
}

/** What the log filters by; each null or absent field does not filter. */
export interface StripeEventFilter {
  outcomes?: readonly StripeEventOutcome[] | null;
  duplicatesOnly?: boolean | null;
  type?: string | null;
  sessionId?: string | null;
  userId?: string | null;
  /** ISO times: received in [from, to). */
  from?: string | null;
  to?: string | null;
}

const scope = 'stripeEvents';

/**
 * The admins' Stripe event log: newest first, keyset-paged. Payloads are not part of a page; read one
 * with `findStripeEvent`. Errors: BAD_USER_INPUT (page size, cursor).
 */
export async function listStripeEvents(
  storage: Storage,
  options: StripeEventFilter & { first?: number | null; after?: string | null },
): Promise<Page<StripeEventRow>> {
  const size = pageSize(options.first);
  const rows = await storage.call<{ node: StripeEventRow; cursor: string }[]>('list_stripe_events', {
    p_outcomes: options.outcomes && options.outcomes.length > 0 ? [...options.outcomes] : null,
    p_duplicates_only: options.duplicatesOnly ?? false,
    p_type: emptyAsNull(options.type),
    p_purchase_session_id: emptyAsNull(options.sessionId),
    p_user_id: emptyAsNull(options.userId),
    p_from: options.from ?? null,
    p_to: options.to ?? null,
    p_after: decodeCursor(scope, options.after),
    p_limit: size,
  });
  return toPage(scope, rows, size);
}

/** One event with its payload, or null when Topup never received it. */
export function findStripeEvent(storage: Storage, id: string): Promise<StripeEventWithPayload | null> {
  return storage.call<StripeEventWithPayload | null>('find_stripe_event', { p_id: id });
}

function emptyAsNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}
