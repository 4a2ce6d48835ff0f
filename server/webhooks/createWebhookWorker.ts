import { randomUUID } from 'node:crypto';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { attemptDelivery, type AttemptOutcome } from './attemptDelivery.ts';
import { disableAfterFailingSeconds, nextRetryDelayMilliseconds } from './retrySchedule.ts';
import { systemWebhookClock, type ClaimedDelivery, type WebhookClock } from './webhookTypes.ts';

export interface WebhookWorker {
  /** Claims what is due and attempts it; resolves with the number of attempts made. */
  runOnce(): Promise<number>;
  /** Polls every `intervalMilliseconds` until `stop`. */
  start(): void;
  /** Stops polling and waits for the attempts in flight (their results are recorded). */
  stop(): Promise<void>;
}

/** Deliveries one round claims at most, attempted concurrently. */
const claimBatchSize = 20;

/**
 * The outbox worker one server instance runs. Each round claims due deliveries
 * (`claim_webhook_deliveries`, FOR UPDATE SKIP LOCKED: instances never take the same row) for the
 * attempt timeout plus 30 s, POSTs them (`attemptDelivery`) and records each attempt with the next
 * one's time from the retry schedule (`record_webhook_attempt`). A worker killed mid-attempt leaves
 * its claims to expire; another worker then sends the same delivery, with the same `webhook-id`.
 * The clock is injected: every time the database compares comes from it.
 */
export function createWebhookWorker(options: {
  storage: Storage;
  log: Logger;
  intervalMilliseconds: number;
  attemptTimeoutMilliseconds: number;
  clock?: WebhookClock;
  fetch?: typeof fetch;
  random?: () => number;
  /** Runs before each round (startTopup: writes the webhook settings if boot could not). */
  beforeRound?: () => Promise<void>;
}): WebhookWorker {
  const clock = options.clock ?? systemWebhookClock;
  const claimSeconds = Math.ceil(options.attemptTimeoutMilliseconds / 1000) + 30;
  let timer: unknown = null;
  let stopped = true;
  let round: Promise<number> | null = null;

  async function attemptAndRecord(delivery: ClaimedDelivery, claimToken: string): Promise<void> {
    const outcome: AttemptOutcome = await attemptDelivery({
      delivery,
      now: clock.now(),
      timeoutMilliseconds: options.attemptTimeoutMilliseconds,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const now = clock.now();
    const delay = outcome.succeeded ? null : nextRetryDelayMilliseconds(delivery.attempts + 1, options.random);
    await options.storage.call('record_webhook_attempt', {
      p_delivery_id: delivery.id,
      p_claim_token: claimToken,
      p_now: now.toISOString(),
      p_succeeded: outcome.succeeded,
      p_status_code: outcome.statusCode,
      p_error: outcome.error,
      p_next_attempt_at: delay === null ? null : new Date(now.getTime() + delay).toISOString(),
      p_disable_after_seconds: disableAfterFailingSeconds,
    });
    if (!outcome.succeeded) {
      options.log.log('warn', 'webhook delivery failed', { deliveryId: delivery.id, endpointId: delivery.endpointId, statusCode: outcome.statusCode, error: outcome.error, retry: delay !== null });
    }
  }

  async function runOnce(): Promise<number> {
    await options.beforeRound?.();
    const claimToken = randomUUID();
    const claimed = await options.storage.call<ClaimedDelivery[]>('claim_webhook_deliveries', {
      p_now: clock.now().toISOString(),
      p_limit: claimBatchSize,
      p_claim_seconds: claimSeconds,
      p_claim_token: claimToken,
    });
    await Promise.all(claimed.map((delivery) => attemptAndRecord(delivery, claimToken)));
    return claimed.length;
  }

  // A full batch means more is due: the next round starts at once instead of after the interval.
  function schedule(delayMilliseconds: number): void {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      let attempted = 0;
      round = runOnce()
        .then((count) => (attempted = count))
        .catch((error: unknown) => {
          options.log.log('error', 'webhook worker round failed', { error: (error as Error).message });
          return 0;
        })
        .finally(() => {
          round = null;
          schedule(attempted >= claimBatchSize ? 0 : options.intervalMilliseconds);
        });
    }, delayMilliseconds);
  }

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(options.intervalMilliseconds);
    },
    async stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      await round;
    },
  };
}
