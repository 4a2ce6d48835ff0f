import type { Storage } from '../db/storage.ts';

/** What one round of `run_retention` (functions/retention.sql) removed, per kind of row. */
export interface RetentionRound {
  webhookDeliveries: number;
  mails: number;
  webhookEvents: number;
  /** Stripe events whose JSON was emptied (the rows stay). */
  stripePayloads: number;
  rateLimitWindows: number;
}

/** What a run removed in all its rounds, and whether it stopped at `roundsMax` with more left. */
export interface RetentionReport extends RetentionRound {
  rounds: number;
  stoppedAtBound: boolean;
}

/** Rows of each kind one round (one statement each, one transaction) removes at most. */
export const retentionBatchRows = 2000;
/** Rounds one run makes at most: a backlog larger than this many batches is left for the next run. */
export const retentionRoundsMax = 25;

const kinds = ['webhookDeliveries', 'mails', 'webhookEvents', 'stripePayloads', 'rateLimitWindows'] as const;

/**
 * Removes what is older than `retentionDays` (0: keep for ever; only ended rate-limit windows go)
 * as of `now`, in rounds of at most `batchRows` rows of each kind, again while a round was full of
 * some kind, at most `roundsMax` rounds. Each round is its own transaction and locks its rows
 * `FOR UPDATE SKIP LOCKED`, so instances running it at once split the work and never wait.
 * Errors: BAD_USER_INPUT (days outside 0..36,500, a batch outside 1..10,000).
 */
export async function runRetention(
  storage: Storage,
  options: { now: Date; retentionDays: number; batchRows?: number; roundsMax?: number },
): Promise<RetentionReport> {
  const batchRows = options.batchRows ?? retentionBatchRows;
  const roundsMax = options.roundsMax ?? retentionRoundsMax;
  const report: RetentionReport = { webhookDeliveries: 0, mails: 0, webhookEvents: 0, stripePayloads: 0, rateLimitWindows: 0, rounds: 0, stoppedAtBound: false };
  while (report.rounds < roundsMax) {
    const round = await storage.call<RetentionRound>('run_retention', {
      p_now: options.now.toISOString(),
      p_retention_days: options.retentionDays,
      p_limit: batchRows,
    });
    report.rounds += 1;
    for (const kind of kinds) report[kind] += round[kind];
    if (!kinds.some((kind) => round[kind] >= batchRows)) return report;
  }
  report.stoppedAtBound = true;
  return report;
}
