import { randomUUID } from 'node:crypto';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { attemptDelivery } from './attemptDelivery.ts';
import { disableAfterFailingSeconds, nextRetryDelayMilliseconds } from './retrySchedule.ts';
import { systemWebhookClock, type ClaimedDelivery, type WebhookClock } from './webhookTypes.ts';

export interface WebhookWorker {
  /** Claims one batch of what is due, attempts it and records the results; resolves with the number of attempts made. */
  runOnce(): Promise<number>;
  /** Delivers continuously until `stop`: claims whenever there is room, polls every `intervalMilliseconds` when idle. */
  start(): void;
  /** Stops claiming and waits for the attempts in flight (their results are recorded). */
  stop(): Promise<void>;
}

/** Deliveries one claim takes at most. */
export const claimBatchSize = 50;
/** Attempts one instance has in flight at most (a slow endpoint holds a slot until its timeout). */
export const attemptsInFlightMax = 100;
/** Free slots a claim waits for (unless nothing is in flight), so a busy worker never claims one row at a time. */
const claimRoomMin = claimBatchSize / 2;

/** One attempt's result, as `record_webhook_attempts` takes it. */
interface AttemptResult {
  id: string;
  claimToken: string;
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

/**
 * The outbox worker one server instance runs. It claims due deliveries
 * (`claim_webhook_deliveries`, FOR UPDATE SKIP LOCKED: instances never take the same row) for the
 * attempt timeout plus 30 s, POSTs them concurrently (`attemptDelivery`, at most
 * `attemptsInFlightMax` at a time; a claim waits until half a batch of slots is free) and records the results in batches, one SQL call for every
 * result that finished while the previous call ran (`record_webhook_attempts`), with the next
 * attempt's time from the retry schedule. A claim that came back full is followed by another at
 * once; an empty or partial one by a pause of `intervalMilliseconds` (an idle poll is one indexed
 * query). A worker killed mid-attempt leaves its claims to expire; another worker then sends the
 * same delivery, with the same `webhook-id`. The clock is injected: every time the database
 * compares comes from it.
 *
 * Why polling and not LISTEN/NOTIFY: a transaction-mode pooler (PgBouncer, Supavisor) has no
 * LISTEN, supabase-js none at all, and a NOTIFY in every movement's transaction takes PostgreSQL's
 * global notification-queue lock at each commit. The poll is one index probe per interval.
 */
export function createWebhookWorker(options: {
  storage: Storage;
  log: Logger;
  intervalMilliseconds: number;
  attemptTimeoutMilliseconds: number;
  clock?: WebhookClock;
  fetch?: typeof fetch;
  random?: () => number;
  /** Runs before each claim (startTopup: writes the webhook settings if boot could not). */
  beforeRound?: () => Promise<void>;
}): WebhookWorker {
  const clock = options.clock ?? systemWebhookClock;
  const claimSeconds = Math.ceil(options.attemptTimeoutMilliseconds / 1000) + 30;
  let stopped = true;
  let loop: Promise<void> | null = null;
  let interruptPause: (() => void) | null = null;
  let waitingForRoom = false;
  const inFlight = new Set<Promise<void>>();
  const results: AttemptResult[] = [];
  let recording: Promise<void> | null = null;

  async function claim(limit: number): Promise<{ claimToken: string; claimed: ClaimedDelivery[] }> {
    await options.beforeRound?.();
    const claimToken = randomUUID();
    const claimed = await options.storage.call<ClaimedDelivery[]>('claim_webhook_deliveries', {
      p_now: clock.now().toISOString(),
      p_limit: limit,
      p_claim_seconds: claimSeconds,
      p_claim_token: claimToken,
    });
    return { claimToken, claimed };
  }

  async function attempt(delivery: ClaimedDelivery, claimToken: string): Promise<AttemptResult> {
    const outcome = await attemptDelivery({
      delivery,
      now: clock.now(),
      timeoutMilliseconds: options.attemptTimeoutMilliseconds,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const delay = outcome.succeeded ? null : nextRetryDelayMilliseconds(delivery.attempts + 1, options.random);
    if (!outcome.succeeded) {
      options.log.log('warn', 'webhook delivery failed', { deliveryId: delivery.id, endpointId: delivery.endpointId, statusCode: outcome.statusCode, error: outcome.error, retry: delay !== null });
    }
    return {
      id: delivery.id,
      claimToken,
      succeeded: outcome.succeeded,
      statusCode: outcome.statusCode,
      error: outcome.error,
      nextAttemptAt: delay === null ? null : new Date(clock.now().getTime() + delay).toISOString(),
    };
  }

  /** One SQL call for a batch of results. A claim that expired meanwhile is skipped by the SQL. */
  async function record(batch: AttemptResult[]): Promise<void> {
    if (batch.length === 0) return;
    await options.storage.call('record_webhook_attempts', {
      p_now: clock.now().toISOString(),
      p_attempts: JSON.stringify(batch),
      p_disable_after_seconds: disableAfterFailingSeconds,
    });
    // One line per batch written: which instance did how much (npm run chaos counts them).
    options.log.log('info', 'webhook attempts recorded', { attempts: batch.length, succeeded: batch.filter((result) => result.succeeded).length });
  }

  // Results that finish while a batch is being written wait for the next call: at most one in flight.
  function recordSoon(): void {
    if (recording !== null || results.length === 0) return;
    const batch = results.splice(0, results.length);
    recording = record(batch)
      .catch((error: unknown) => {
        // Unrecorded attempts keep their claims, which expire: the deliveries are attempted again.
        options.log.log('error', 'webhook attempts not recorded; their claims will expire and they are retried', { attempts: batch.length, error: (error as Error).message });
      })
      .finally(() => {
        recording = null;
        recordSoon();
      });
  }

  function startAttempt(delivery: ClaimedDelivery, claimToken: string): void {
    const running: Promise<void> = attempt(delivery, claimToken).then((result) => {
      results.push(result);
      recordSoon();
    });
    inFlight.add(running);
    void running.finally(() => {
      inFlight.delete(running);
      // A loop that paused for room claims again as soon as enough slots are free.
      if (waitingForRoom && attemptsInFlightMax - inFlight.size >= claimRoomMin) interruptPause?.();
    });
  }

  // Waits `milliseconds`, or less when interrupted (`stop`, or a freed slot while waiting for room).
  function pause(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => {
        interruptPause = null;
        resolve();
      }, milliseconds);
      interruptPause = () => {
        clock.clearTimeout(timer);
        interruptPause = null;
        resolve();
      };
    });
  }

  async function deliverContinuously(): Promise<void> {
    while (!stopped) {
      const room = attemptsInFlightMax - inFlight.size;
      if (room < claimRoomMin && inFlight.size > 0) {
        waitingForRoom = true;
        await pause(options.intervalMilliseconds);
        waitingForRoom = false;
        continue;
      }
      const limit = Math.min(room, claimBatchSize);
      let claimedCount = 0;
      try {
        const { claimToken, claimed } = await claim(limit);
        claimedCount = claimed.length;
        for (const delivery of claimed) startAttempt(delivery, claimToken);
      } catch (error) {
        options.log.log('error', 'webhook claim failed', { error: (error as Error).message });
      }
      // A full claim means more is due: claim again at once. Otherwise poll again after the interval.
      if (claimedCount < limit && !stopped) await pause(options.intervalMilliseconds);
    }
  }

  async function drain(): Promise<void> {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    while (recording !== null || results.length > 0) {
      recordSoon();
      await recording;
    }
  }

  return {
    async runOnce() {
      const { claimToken, claimed } = await claim(claimBatchSize);
      const batch = await Promise.all(claimed.map((delivery) => attempt(delivery, claimToken)));
      await record(batch);
      return claimed.length;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      loop = deliverContinuously();
    },
    async stop() {
      stopped = true;
      interruptPause?.();
      await loop;
      loop = null;
      await drain();
    },
  };
}
