import { scheduleEvery } from '../app/scheduleEvery.ts';
import type { Logger } from '../log.ts';
import type { Ledger } from './createLedger.ts';

/** Users and holds one sweep handles at most; a sweep that hit it runs again at once (bounded). */
const sweepLimit = 200;
const sweepsPerTickMax = 10;

/**
 * Every instance runs this every `intervalSeconds` (EXPIRY_SWEEP_SECONDS): expired lots become
 * EXPIRY entries and expired holds are marked. Instances share the rows (`FOR UPDATE SKIP LOCKED`),
 * and never two sweeps at once here. Balances never count expired credits meanwhile; the sweep only
 * writes down what already happened. A failure (the database down) is logged and the next tick
 * tries again. Returns the function that stops it.
 */
export function scheduleExpirySweep(options: {
  ledger: Ledger;
  log: Logger;
  intervalSeconds: number;
  /** Runs before each sweep (the boot's ledger settings, when the database was down at boot). */
  beforeSweep?: () => Promise<void>;
}): () => Promise<void> {
  const sweep = async () => {
    await options.beforeSweep?.();
    for (let round = 0; round < sweepsPerTickMax; round++) {
      const report = await options.ledger.sweepExpired({ limit: sweepLimit });
      if (report.holdsExpired > 0 || report.usersExpired > 0) options.log.log('info', 'expiry sweep', { ...report });
      if (report.holdsExpired < sweepLimit && report.usersExpired < sweepLimit) return;
    }
  };
  return scheduleEvery({ name: 'expiry sweep', intervalSeconds: options.intervalSeconds, log: options.log, run: sweep });
}
