import { scheduleEvery } from '../app/scheduleEvery.ts';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { runRetention } from './runRetention.ts';

/**
 * Every instance runs this every `intervalSeconds` (RETENTION_SWEEP_SECONDS): `runRetention` with
 * RETENTION_DAYS (docs/retention.md). Instances share the rows (`FOR UPDATE SKIP LOCKED`), and never
 * two runs at once here. What a run removed is logged (nothing when it removed nothing); a run that
 * stopped at its bound says so, and the next tick goes on. A failure (the database down) is logged
 * and the next tick tries again. Returns the function that stops it.
 */
export function scheduleRetention(options: {
  storage: Storage;
  log: Logger;
  intervalSeconds: number;
  retentionDays: number;
  /** The time retention measures from; the server's clock unless a test moves it. */
  clock?: { now(): Date };
}): () => Promise<void> {
  const clock = options.clock ?? { now: () => new Date() };
  const run = async () => {
    const report = await runRetention(options.storage, { now: clock.now(), retentionDays: options.retentionDays });
    const { rounds, stoppedAtBound, ...removed } = report;
    if (Object.values(removed).some((count) => count > 0)) {
      options.log.log(stoppedAtBound ? 'warn' : 'info', stoppedAtBound ? 'retention stopped at its bound; the rest goes next run' : 'retention', {
        ...removed,
        rounds,
        retentionDays: options.retentionDays,
      });
    }
  };
  return scheduleEvery({ name: 'retention', intervalSeconds: options.intervalSeconds, log: options.log, run });
}
