import type { Storage } from './storage.ts';
import type { Logger } from '../log.ts';

/**
 * The embedded database has no autovacuum, so planner statistics would never be gathered: refresh
 * them now and every minute (see `functions/statistics.sql`: a table is analyzed only when it has
 * rows and has grown by a tenth since, autovacuum's rule, so most rounds analyze nothing and a
 * young database's plans follow its growth within a minute). Returns the function that stops it.
 */
export function keepStatisticsFresh(options: { storage: Storage; log: Logger; intervalMilliseconds?: number }): () => Promise<void> {
  const refresh = () =>
    options.storage.call('refresh_statistics', {}).catch((error: unknown) => {
      options.log.log('warn', 'refreshing planner statistics failed', { error });
    });
  let running = refresh();
  const timer = setInterval(() => {
    running = refresh();
  }, options.intervalMilliseconds ?? 60_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
