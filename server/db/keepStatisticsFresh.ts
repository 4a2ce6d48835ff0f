import type { Storage } from './storage.ts';
import type { Logger } from '../log.ts';

/**
 * The embedded database has no autovacuum, so planner statistics would never be gathered: refresh
 * them now and every hour (see `functions/statistics.sql`). Returns the function that stops it.
 */
export function keepStatisticsFresh(options: { storage: Storage; log: Logger; intervalMilliseconds?: number }): () => Promise<void> {
  const refresh = () =>
    options.storage.call('refresh_statistics', {}).catch((error: unknown) => {
      options.log.log('warn', 'refreshing planner statistics failed', { error });
    });
  let running = refresh();
  const timer = setInterval(() => {
    running = refresh();
  }, options.intervalMilliseconds ?? 3_600_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
