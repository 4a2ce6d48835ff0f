import { signStripePayload } from '../../test/support/stripeEvents.ts';
import type { StormTarget } from './deliveryStorm.ts';
import type { CapturedEvent } from './playStripe.ts';

export interface LiveRelayReport {
  /** Events the sandbox emitted while the relay was on (auto top-ups' payments, the card-saving checkouts). */
  events: number;
  byType: Record<string, number>;
  /** (event, instance) deliveries, duplicates included. */
  deliveries: number;
  duplicateSends: number;
  attempts: number;
  failedAttempts: number;
  /** Deliveries without a 2xx when the relay closed: must be 0. */
  undelivered: number;
}

export interface LiveRelay {
  /** Takes one event the sandbox just emitted (its sink answered the sandbox 200: the relay owns it now). */
  accept(event: CapturedEvent): void;
  /** Resolves when every delivery accepted so far got its 2xx, or at `deadline` (false). */
  idle(deadline: number): Promise<boolean>;
  close(): LiveRelayReport;
}

/**
 * Stripe's delivery of the events the shared sandbox emits during the storm (the instances' auto
 * top-up payments above all: payment_intent.succeeded is what grants one): each event POSTed to
 * every instance at once, freshly signed, about `duplicateShare` of them sent again 0.5-3 s later,
 * and every attempt without a 2xx (a 500, a refused or reset connection while an instance is killed
 * or PostgreSQL restarts, a timeout) retried with jittered backoff from 100 ms to 2 s until it
 * gets one, like the storm's retries. Nothing is dropped: `idle` waits for the last 2xx.
 */
export function createLiveRelay(options: { targets: () => StormTarget[]; webhookSecret: string; random: () => number; duplicateShare: number }): LiveRelay {
  const report: LiveRelayReport = { events: 0, byType: {}, deliveries: 0, duplicateSends: 0, attempts: 0, failedAttempts: 0, undelivered: 0 };
  const open = new Set<Promise<void>>();
  let closed = false;
  let pendingDeliveries = 0;

  const deliverUntilAcknowledged = async (event: CapturedEvent, target: StormTarget): Promise<void> => {
    for (let attempt = 1; !closed; attempt += 1) {
      report.attempts += 1;
      try {
        const response = await fetch(`${target.url()}/api/stripe/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signStripePayload(event.body, options.webhookSecret), 'user-agent': 'Stripe/1.0 (chaos relay)' },
          body: event.body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        // A refused or reset connection, a timeout: retried like a 500.
      }
      report.failedAttempts += 1;
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt - 1, 5)) * (0.5 + options.random()));
    }
  };

  const send = (event: CapturedEvent) => {
    for (const target of options.targets()) {
      report.deliveries += 1;
      pendingDeliveries += 1;
      const delivery = deliverUntilAcknowledged(event, target).then(() => {
        pendingDeliveries -= 1;
      });
      open.add(delivery);
      void delivery.finally(() => open.delete(delivery));
    }
  };

  return {
    accept(event) {
      if (closed) return;
      report.events += 1;
      report.byType[event.type] = (report.byType[event.type] ?? 0) + 1;
      send(event);
      if (options.random() < options.duplicateShare) {
        report.duplicateSends += 1;
        const later = sleep(500 + options.random() * 2500).then(() => {
          if (!closed) send(event);
        });
        open.add(later);
        void later.finally(() => open.delete(later));
      }
    },
    async idle(deadline) {
      while (open.size > 0) {
        if (Date.now() > deadline) return false;
        await sleep(50);
      }
      return true;
    },
    close() {
      closed = true;
      report.undelivered = pendingDeliveries;
      return report;
    },
  };
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
