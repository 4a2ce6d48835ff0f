import type { Logger } from '../log.ts';
import type { WebhookClock } from '../webhooks/webhookTypes.ts';

/**
 * Runs `round` every `intervalMilliseconds` on `clock`'s timers, never two at once, and at once
 * again when a round did a full batch (`round` resolves with how much it did; `batchSize` or more
 * means more is waiting). A failed round is logged as `<name> round failed` and the next one runs
 * after the interval. This is the polling of an outbox worker (the webhook worker's loop, made
 * shareable for the mail worker). Returns start and stop; stop waits for the round in flight.
 */
export function scheduleRounds(options: {
  name: string;
  clock: WebhookClock;
  log: Logger;
  intervalMilliseconds: number;
  batchSize: number;
  round: () => Promise<number>;
}): { start(): void; stop(): Promise<void> } {
  let timer: unknown = null;
  let stopped = true;
  let running: Promise<number> | null = null;

  function schedule(delayMilliseconds: number): void {
    if (stopped) return;
    timer = options.clock.setTimeout(() => {
      let done = 0;
      running = options
        .round()
        .then((count) => (done = count))
        .catch((error: unknown) => {
          options.log.log('error', `${options.name} round failed`, { error: (error as Error).message });
          return 0;
        })
        .finally(() => {
          running = null;
          schedule(done >= options.batchSize ? 0 : options.intervalMilliseconds);
        });
    }, delayMilliseconds);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(options.intervalMilliseconds);
    },
    async stop() {
      stopped = true;
      if (timer !== null) options.clock.clearTimeout(timer);
      await running;
    },
  };
}
