import type { Logger } from '../log.ts';
import type { Billing } from './createBilling.ts';

/**
 * Runs `reconcile` every `intervalSeconds` (never two at once, first run after one interval) so a
 * lost webhook is made good without anyone running a command. Returns the function that stops it.
 */
export function scheduleReconcile(options: { billing: Billing; log: Logger; intervalSeconds: number }): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = options.billing
      .reconcile({ lookbackSeconds: Math.max(3600, options.intervalSeconds * 3) })
      .then((report) => {
        if (report.eventsApplied > 0 || report.failures > 0) options.log.log('info', 'reconcile', { ...report });
      })
      .catch((error: unknown) => options.log.log('warn', 'reconcile failed', { error }))
      .finally(() => {
        running = null;
      });
  }, options.intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
