import { shuffle } from '../../bench/support/statistics.ts';
import { signStripePayload } from '../../test/support/stripeEvents.ts';
import type { CapturedEvent } from './playStripe.ts';

export interface StormTarget {
  name: string;
  /** Read at every attempt: an instance restarted on the same port keeps its URL. */
  url: () => string;
}

export interface StormReport {
  events: number;
  sends: number;
  duplicateSends: number;
  deliveries: number;
  attempts: number;
  retries: number;
  /** Attempts answered with something other than a 2xx (5xx, connection refused, reset, timeout). */
  failedAttempts: number;
  /** (event, instance) deliveries never acknowledged before the deadline: must be 0. */
  undelivered: number;
  statusCounts: Record<string, number>;
}

interface Delivery {
  event: CapturedEvent;
  target: StormTarget;
  attempt: number;
  acknowledged: boolean;
}

/**
 * Plays Stripe's delivery: every event, shuffled, with `duplicateShare` of all sends being repeats
 * of an event already in the list (Stripe delivers at least once), each send POSTed to every target
 * at the same moment, freshly signed at every attempt. An attempt without a 2xx is retried with
 * backoff (100 ms doubling to 2 s, jittered) until it gets one or the deadline passes, like Stripe's
 * retries compressed into minutes, by separate retry workers, so traffic to the live instance goes
 * on while the other is down. At most `concurrency` sends (and half as many retries) are in flight. `onProgress` gets the share of
 * sends started, so faults can be timed against the traffic.
 */
export async function runDeliveryStorm(options: {
  events: CapturedEvent[];
  targets: StormTarget[];
  webhookSecret: string;
  duplicateShare: number;
  concurrency: number;
  random: () => number;
  deadline: number;
  onProgress?: (fractionStarted: number) => void;
  /** Resolves when the storm may stop even if every send is done (e.g. the faults are all injected). */
  holdOpenUntil?: Promise<void>;
}): Promise<StormReport> {
  const { events, random } = options;
  const duplicateCount = Math.round((events.length * options.duplicateShare) / (1 - options.duplicateShare));
  const sends = shuffle(
    [...events, ...Array.from({ length: duplicateCount }, () => events[Math.floor(random() * events.length)]!)],
    random,
  );
  const report: StormReport = {
    events: events.length,
    sends: sends.length,
    duplicateSends: duplicateCount,
    deliveries: 0,
    attempts: 0,
    retries: 0,
    failedAttempts: 0,
    undelivered: 0,
    statusCounts: {},
  };
  const allDeliveries: Delivery[] = [];
  let nextSend = 0;
  let holding = options.holdOpenUntil !== undefined;
  void options.holdOpenUntil?.then(() => {
    holding = false;
  });

  // Failed attempts wait here for their next try, so a send worker never blocks on a dead instance.
  const retryQueue: { delivery: Delivery; dueAt: number }[] = [];
  let sendWorkersRunning = options.concurrency;
  let retriesInFlight = 0;

  const attemptOnce = async (delivery: Delivery): Promise<void> => {
    delivery.attempt += 1;
    report.attempts += 1;
    if (delivery.attempt > 1) report.retries += 1;
    const status = await post(delivery);
    report.statusCounts[status] = (report.statusCounts[status] ?? 0) + 1;
    if (/^2\d\d$/.test(status)) {
      delivery.acknowledged = true;
      return;
    }
    report.failedAttempts += 1;
    const backoff = Math.min(2000, 100 * 2 ** Math.min(delivery.attempt - 1, 5)) * (0.5 + random());
    retryQueue.push({ delivery, dueAt: Date.now() + backoff });
  };

  const post = async (delivery: Delivery): Promise<string> => {
    const signature = signStripePayload(delivery.event.body, options.webhookSecret);
    try {
      const response = await fetch(`${delivery.target.url()}/api/stripe/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (chaos driver)' },
        body: delivery.event.body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return String(response.status);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return `error:${cause}`;
    }
  };

  const sendWorker = async () => {
    try {
      while (Date.now() < options.deadline) {
        let event: CapturedEvent;
        if (nextSend < sends.length) {
          event = sends[nextSend]!;
          nextSend += 1;
          options.onProgress?.(nextSend / sends.length);
        } else if (holding) {
          // Every planned send is out but a fault is still to come: keep Stripe-like redeliveries
          // flowing, so the fault lands on live traffic. Bounded by the deadline and by the hold.
          event = events[Math.floor(random() * events.length)]!;
          report.sends += 1;
          report.duplicateSends += 1;
          // About 10 a second per worker: live traffic, not a flood of the 2-core machine.
          await sleep(100);
        } else {
          return;
        }
        const deliveries = options.targets.map((target) => ({ event, target, attempt: 0, acknowledged: false }));
        allDeliveries.push(...deliveries);
        report.deliveries += deliveries.length;
        await Promise.all(deliveries.map(attemptOnce));
      }
    } finally {
      sendWorkersRunning -= 1;
    }
  };

  const retryWorker = async () => {
    while (Date.now() < options.deadline) {
      retryQueue.sort((a, b) => a.dueAt - b.dueAt);
      const due = retryQueue[0];
      if (due === undefined || due.dueAt > Date.now()) {
        if (due === undefined && sendWorkersRunning === 0 && retriesInFlight === 0) return;
        await sleep(20);
        continue;
      }
      retryQueue.shift();
      retriesInFlight += 1;
      try {
        await attemptOnce(due.delivery);
      } finally {
        retriesInFlight -= 1;
      }
    }
  };

  await Promise.all([
    ...Array.from({ length: options.concurrency }, sendWorker),
    ...Array.from({ length: Math.max(2, Math.floor(options.concurrency / 2)) }, retryWorker),
  ]);
  report.undelivered = allDeliveries.filter((delivery) => !delivery.acknowledged).length + Math.max(0, sends.length - nextSend) * options.targets.length;
  return report;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
