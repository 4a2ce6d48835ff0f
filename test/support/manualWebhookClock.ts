import type { WebhookClock } from '../../server/webhooks/webhookTypes.ts';

/**
 * The outbox's clock, moved by hand: real time plus what `advance(ms)` added, so it is never behind
 * the database's clock (events are stamped by it) and jumps forward on demand; timers stay real.
 */
export function createManualWebhookClock(): WebhookClock & { advance(milliseconds: number): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(milliseconds) {
      offset += milliseconds;
    },
    setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}
