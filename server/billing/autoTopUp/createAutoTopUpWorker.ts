import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { Storage } from '../../db/storage.ts';
import type { Logger } from '../../log.ts';
import { systemWebhookClock, type WebhookClock } from '../../webhooks/webhookTypes.ts';
import { autoTopUpRecords } from './autoTopUpRecords.ts';
import { payAutoTopUpAttempt } from './payAutoTopUpAttempt.ts';

export interface AutoTopUpWorker {
  /** Claims the due attempts and pays them; resolves with the number of attempts tried. */
  runOnce(): Promise<number>;
  /** Polls every `intervalMilliseconds` until `stop`. */
  start(): void;
  /** Stops polling and waits for the payments in flight (their results are recorded). */
  stop(): Promise<void>;
}

/** Attempts one round claims at most, paid concurrently. */
const claimBatchSize = 20;
/** Long enough for Stripe's answer (the SDK's timeout and retries); after it, another worker may retry with the same key. */
const claimSeconds = 120;
/** After the first and second decline in a row: wait this long before the next try. The third disables. */
export const declineRetryDelaysMilliseconds = [10 * 60_000, 60 * 60_000] as const;
/** After Stripe was unreachable: the same try again, with the same key. */
const transientRetryDelayMilliseconds = 30_000;

/**
 * The auto top-up worker every instance runs (the shape of `server/webhooks/createWebhookWorker.ts`):
 * each round claims due attempts (`claim_auto_top_up_attempts`, FOR UPDATE SKIP LOCKED, for
 * `claimSeconds`) and pays each (`payAutoTopUpAttempt`). A worker killed mid-payment leaves its
 * claim to expire; another pays with the same idempotency key. The clock is injected: every time
 * the database compares for claims and retries comes from it.
 */
export function createAutoTopUpWorker(options: {
  storage: Storage;
  stripe: Stripe;
  log: Logger;
  intervalMilliseconds: number;
  clock?: WebhookClock;
  retryDelaysMilliseconds?: readonly number[];
  /** Run before each round's claim (at boot work that failed); a failure skips the round. */
  beforeRound?: () => Promise<void>;
}): AutoTopUpWorker {
  const clock = options.clock ?? systemWebhookClock;
  const retryDelays = options.retryDelaysMilliseconds ?? declineRetryDelaysMilliseconds;
  let timer: unknown = null;
  let stopped = true;
  let round: Promise<number> | null = null;

  async function runOnce(): Promise<number> {
    await options.beforeRound?.();
    const claimToken = randomUUID();
    const now = clock.now();
    const claimed = await autoTopUpRecords.claim(options.storage, { now, limit: claimBatchSize, claimSeconds, claimToken });
    await Promise.all(
      claimed.map((attempt) => {
        const delay = retryDelays[attempt.tries];
        return payAutoTopUpAttempt({
          storage: options.storage,
          stripe: options.stripe,
          log: options.log,
          attempt,
          claimToken,
          retryAt: delay === undefined ? null : new Date(now.getTime() + delay),
          transientRetryAt: new Date(now.getTime() + transientRetryDelayMilliseconds),
        })
          .then((outcome) => {
            // Every off-session payment is worth a line: which instance paid which try (npm run chaos counts them).
            options.log.log('info', 'auto top-up attempt paid', { attemptId: attempt.id, idempotencyKey: attempt.idempotencyKey, outcome });
          })
          .catch((error: unknown) => {
            // A failed recording: the claim expires and the next claim pays with the same key.
            options.log.log('error', 'auto top-up attempt not recorded; retried with the same key after its claim expires', { attemptId: attempt.id, error: (error as Error).message });
          });
      }),
    );
    return claimed.length;
  }

  function schedule(delayMilliseconds: number): void {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      let tried = 0;
      round = runOnce()
        .then((count) => (tried = count))
        .catch((error: unknown) => {
          options.log.log('error', 'auto top-up worker round failed', { error: (error as Error).message });
          return 0;
        })
        .finally(() => {
          round = null;
          schedule(tried >= claimBatchSize ? 0 : options.intervalMilliseconds);
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
