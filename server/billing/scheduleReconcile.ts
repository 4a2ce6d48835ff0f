import { scheduleEvery } from '../app/scheduleEvery.ts';
import type { Logger } from '../log.ts';
import type { Billing } from './createBilling.ts';

/**
 * Runs `reconcile` every `intervalSeconds` (never two at once, first run after one interval) so a
 * lost webhook is made good without anyone running a command. Returns the function that stops it.
 */
export function scheduleReconcile(options: { billing: Billing; log: Logger; intervalSeconds: number }): () => Promise<void> {
  return scheduleEvery({
    name: 'reconcile',
    intervalSeconds: options.intervalSeconds,
    log: options.log,
    run: async () => {
      const report = await options.billing.reconcile({ lookbackSeconds: Math.max(3600, options.intervalSeconds * 3) });
      // Every run (every RECONCILE_INTERVAL_SECONDS), so what each instance applied can be read back.
      options.log.log(report.failures > 0 ? 'warn' : 'info', 'reconcile', { ...report });
    },
  });
}
