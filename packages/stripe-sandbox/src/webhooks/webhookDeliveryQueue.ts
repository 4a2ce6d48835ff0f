import type { SandboxState, WebhookDelivery } from '../sandboxState.ts';
import { createId } from '../createId.ts';
import { postWebhook } from './postWebhook.ts';
import { signWebhookPayload } from './signWebhookPayload.ts';
import type { SandboxTimerHandle, SandboxTimers } from '../sandboxTimers.ts';

/** Stripe sends a handful of events at once to one endpoint, not an unbounded burst. */
const concurrentDeliveriesMax = 4;
/** Settled deliveries kept for `GET /sandbox/deliveries`; older ones are dropped. */
const settledDeliveriesKeptMax = 1000;

export interface WebhookDeliveryQueueOptions {
  state: SandboxState;
  markChanged(): void;
  webhookUrl: string;
  webhookSecret: string;
  /** Delay before each retry; after the last one fails the delivery is marked failed. */
  retryDelaysMilliseconds: readonly number[];
  timeoutMilliseconds: number;
  /** The clock and timers of retries and attempt timeouts (`realTimers` outside tests). */
  timers: SandboxTimers;
  log(line: string): void;
}

/**
 * Delivers events to the webhook endpoint the way Stripe does: asynchronously, signed with a
 * fresh timestamp on every attempt, retried on any non-2xx answer or network error following a
 * bounded backoff schedule, at most a few at a time, and one at a time per ordering key (a
 * checkout session) so a session's events arrive in creation order unless one of them is being
 * retried. Pending deliveries live in the state, so a restarted sandbox resumes them.
 */
export class WebhookDeliveryQueue {
  private readonly options: WebhookDeliveryQueueOptions;
  private webhookUrl: string;
  private readonly inFlight = new Map<string, { orderingKey: string; abortController: AbortController; done: Promise<void> }>();
  private timer: SandboxTimerHandle | null = null;
  private pumpScheduled = false;
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(options: WebhookDeliveryQueueOptions) {
    this.options = options;
    this.webhookUrl = options.webhookUrl;
  }

  setWebhookUrl(url: string): void {
    this.webhookUrl = url;
  }

  /** Starts delivering, including deliveries left pending by a previous run. */
  start(): void {
    this.running = true;
    this.schedulePump();
  }

  /** Queues one delivery of a stored event; it is sent after the current request returns. */
  enqueue(options: { eventId: string; eventType: string; orderingKey: string }): WebhookDelivery {
    const state = this.options.state;
    state.deliverySequence += 1;
    const now = this.options.timers.now();
    const delivery: WebhookDelivery = {
      id: createId('whdel_'),
      eventId: options.eventId,
      eventType: options.eventType,
      orderingKey: options.orderingKey,
      sequence: state.deliverySequence,
      status: 'pending',
      attempts: [],
      nextAttemptAt: now,
      createdAt: now,
    };
    state.deliveries[delivery.id] = delivery;
    this.pruneSettledDeliveries();
    this.options.markChanged();
    this.schedulePump();
    return delivery;
  }

  /** Resolves once nothing is in flight and no delivery is pending (retries included). */
  waitForIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.resolveIdleWaiters();
    });
  }

  /**
   * Stops timers and aborts attempts in flight. Aborted attempts are not recorded, so those
   * deliveries stay pending and a restarted sandbox sends them again.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    const attempts = [...this.inFlight.values()];
    for (const attempt of attempts) attempt.abortController.abort();
    await Promise.all(attempts.map((attempt) => attempt.done));
    this.resolveIdleWaiters();
  }

  private schedulePump(): void {
    // Deferred so that a delivery never starts inside the request that created its event.
    if (this.pumpScheduled || !this.running) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.running) return;
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    const now = this.options.timers.now();
    const busyKeys = new Set([...this.inFlight.values()].map((attempt) => attempt.orderingKey));
    let nextWakeAt: number | null = null;
    for (const delivery of this.pendingDeliveriesInOrder()) {
      if (this.inFlight.size >= concurrentDeliveriesMax) break;
      if (this.inFlight.has(delivery.id)) continue;
      const dueAt = delivery.nextAttemptAt ?? now;
      if (dueAt > now) {
        nextWakeAt = nextWakeAt === null ? dueAt : Math.min(nextWakeAt, dueAt);
        continue;
      }
      if (busyKeys.has(delivery.orderingKey)) continue;
      busyKeys.add(delivery.orderingKey);
      this.startAttempt(delivery);
    }
    if (nextWakeAt !== null) {
      // The real timers are unref'd: a retry waiting for later must not keep a finished process alive.
      this.timer = this.options.timers.setTimeout(() => this.pump(), Math.max(0, nextWakeAt - now));
    }
    this.resolveIdleWaiters();
  }

  private pendingDeliveriesInOrder(): WebhookDelivery[] {
    return Object.values(this.options.state.deliveries)
      .filter((delivery) => delivery.status === 'pending')
      .sort((left, right) => (left.nextAttemptAt ?? 0) - (right.nextAttemptAt ?? 0) || left.sequence - right.sequence);
  }

  private startAttempt(delivery: WebhookDelivery): void {
    const abortController = new AbortController();
    const done = this.attempt(delivery, abortController.signal).finally(() => {
      this.inFlight.delete(delivery.id);
      this.schedulePump();
      this.resolveIdleWaiters();
    });
    this.inFlight.set(delivery.id, { orderingKey: delivery.orderingKey, abortController, done });
  }

  private async attempt(delivery: WebhookDelivery, signal: AbortSignal): Promise<void> {
    const event = this.options.state.events[delivery.eventId];
    if (event === undefined) {
      this.settle(delivery, 'failed');
      this.options.log(`webhook ${delivery.eventType} ${delivery.eventId}: event no longer stored, delivery dropped`);
      return;
    }
    // Stripe sends pretty-printed JSON; the signature covers these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    const url = this.webhookUrl;
    const startedAt = this.options.timers.now();
    const signatureTimestamp = Math.floor(startedAt / 1000);
    const result = await postWebhook({
      url,
      payload,
      signatureHeader: signWebhookPayload({ payload, secret: this.options.webhookSecret, timestampSeconds: signatureTimestamp }),
      timeoutMilliseconds: this.options.timeoutMilliseconds,
      timers: this.options.timers,
      signal,
    });
    if (signal.aborted) return;
    delivery.attempts.push({
      attemptedAt: startedAt,
      url,
      signatureTimestamp,
      statusCode: result.statusCode,
      error: result.error,
      durationMilliseconds: this.options.timers.now() - startedAt,
    });
    const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const retryDelay = this.options.retryDelaysMilliseconds[delivery.attempts.length - 1];
    const outcome = result.statusCode === null ? result.error : `HTTP ${result.statusCode}`;
    if (succeeded) {
      this.settle(delivery, 'succeeded');
      this.options.log(`webhook ${event.type} ${event.id}: ${outcome}`);
    } else if (retryDelay === undefined) {
      this.settle(delivery, 'failed');
      this.options.log(`webhook ${event.type} ${event.id}: ${outcome}, giving up after ${delivery.attempts.length} attempts`);
    } else {
      delivery.nextAttemptAt = this.options.timers.now() + retryDelay;
      this.options.markChanged();
      this.options.log(`webhook ${event.type} ${event.id}: ${outcome}, retrying in ${retryDelay} ms`);
    }
  }

  private settle(delivery: WebhookDelivery, status: 'succeeded' | 'failed'): void {
    delivery.status = status;
    delivery.nextAttemptAt = null;
    this.options.markChanged();
  }

  private pruneSettledDeliveries(): void {
    const deliveries = this.options.state.deliveries;
    const settled = Object.values(deliveries).filter((delivery) => delivery.status !== 'pending');
    const excess = settled.length - settledDeliveriesKeptMax;
    for (const delivery of settled.slice(0, Math.max(0, excess))) delete deliveries[delivery.id];
  }

  private resolveIdleWaiters(): void {
    if (this.idleWaiters.length === 0) return;
    const idle =
      !this.running ||
      (this.inFlight.size === 0 && !this.pumpScheduled && !Object.values(this.options.state.deliveries).some((delivery) => delivery.status === 'pending'));
    if (!idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
