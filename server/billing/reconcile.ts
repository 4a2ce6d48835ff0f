import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import type { Pricing } from './pricing.ts';
import { isTopupError } from '../errors.ts';
import { fulfillCheckout } from './fulfillCheckout.ts';
import { handleStripeEvent, handledStripeEventTypes } from './handleStripeEvent.ts';
import { reconcileAutoTopUps, type AutoTopUpReconcileReport } from './autoTopUp/reconcileAutoTopUps.ts';
import { reconcileRefundRequests, type RefundRequestReconcileReport } from './reconcileRefundRequests.ts';

export interface ReconcileReport {
  eventsSeen: number;
  eventsApplied: number;
  sessionsSeen: number;
  sessionsSettled: number;
  failures: number;
  /** Auto top-ups in processing for over an hour, asked about at Stripe (`reconcileAutoTopUps`). */
  autoTopUps?: AutoTopUpReconcileReport;
  /** Refund reservations whose Stripe answer was lost, settled from Stripe's refunds (`reconcileRefundRequests`). */
  refundRequests?: RefundRequestReconcileReport;
}

/**
 * Recovery for whatever the webhook missed: lists recent events of the handled types and recent
 * checkout sessions from Stripe, and applies them through the same idempotent paths as the webhook;
 * then asks Stripe about auto top-ups stuck in processing for over an hour, and about refunds whose
 * answer was lost (reserved for over 10 minutes).
 * Safe at any time, on a schedule, and from several hosts at once (every effect is keyed or a
 * target). Bounded: at most `pagesMax` pages of 100 per list, `concurrency` calls in flight, and the
 * SDK retries 429s and network errors with backoff (plus our own pause on a 429 that still fails).
 */
export async function reconcile(options: {
  storage: Storage;
  stripe: Stripe;
  pricing: Pricing;
  log: Logger;
  /** How far back to look, in seconds (Stripe keeps events for 30 days). */
  lookbackSeconds?: number;
  concurrency?: number;
  pagesMax?: number;
}): Promise<ReconcileReport> {
  const { storage, stripe, pricing, log } = options;
  const since = Math.floor(Date.now() / 1000) - (options.lookbackSeconds ?? 3 * 86_400);
  const concurrency = options.concurrency ?? 4;
  const itemsMax = (options.pagesMax ?? 50) * 100;
  const report: ReconcileReport = { eventsSeen: 0, eventsApplied: 0, sessionsSeen: 0, sessionsSettled: 0, failures: 0 };

  const events = await collect(
    stripe.events.list({ created: { gte: since }, types: [...handledStripeEventTypes], limit: 100 }),
    itemsMax,
  );
  // Oldest first, so a replay follows Stripe's order where it can (correctness does not depend on it).
  events.reverse();
  report.eventsSeen = events.length;
  await forEachBounded(events, concurrency, async (event) => {
    try {
      const handled = await handleStripeEvent({ storage, pricing, stripe, event });
      if (handled.kind !== 'duplicate') report.eventsApplied += 1;
    } catch (error) {
      // A refused event (an unknown session without usable metadata) will be refused every time.
      if (isTopupError(error)) return;
      report.failures += 1;
      log.log('error', 'reconcile: event failed', { eventId: event.id, error });
    }
  });

  // Sessions too: an event may be older than the lookback, or never delivered to this endpoint.
  const sessions = await collect(stripe.checkout.sessions.list({ created: { gte: since }, limit: 100 }), itemsMax);
  report.sessionsSeen = sessions.length;
  await forEachBounded(sessions, concurrency, async (session) => {
    if (session.metadata?.type !== 'credit_topup' || session.status === 'open') return;
    try {
      const result = await fulfillCheckout({ storage, pricing, session });
      if (result.kind === 'settled' || result.kind === 'flagged') report.sessionsSettled += 1;
    } catch (error) {
      if (isTopupError(error)) return;
      report.failures += 1;
      log.log('error', 'reconcile: session failed', { sessionId: session.id, error });
    }
  });
  report.autoTopUps = await reconcileAutoTopUps({ storage, stripe, log });
  report.refundRequests = await reconcileRefundRequests({ storage, stripe, log });
  return report;
}

async function collect<Item>(list: Stripe.ApiListPromise<Item>, itemsMax: number): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of list) {
    items.push(item);
    if (items.length >= itemsMax) break;
  }
  return items;
}

async function forEachBounded<Item>(items: Item[], concurrency: number, work: (item: Item) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
