/**
 * When a failed delivery is tried again: after the first failure 5 s, then 5 min, 30 min, 2 h, 5 h,
 * 10 h and 10 h (about 27.6 hours from the first attempt to the eighth and last), each delay
 * jittered by up to ±10% so the retries of many deliveries that failed together spread out.
 */
export const retryDelaysMilliseconds: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Attempts a delivery gets in all: the first and one per delay. */
export const attemptsMax = retryDelaysMilliseconds.length + 1;

/** An endpoint that has failed without one success for this long is disabled (five days). */
export const disableAfterFailingSeconds = 5 * 24 * 3600;

/** How long both secrets sign after a rotation (24 hours). */
export const secretOverlapSeconds = 24 * 3600;

/**
 * The delay before the next attempt after `attemptsMade` attempts failed, or null when the
 * schedule has run out. `random` in [0, 1) (Math.random by default) sets the jitter.
 */
export function nextRetryDelayMilliseconds(attemptsMade: number, random: () => number = Math.random): number | null {
  const delay = retryDelaysMilliseconds[attemptsMade - 1];
  if (delay === undefined) return null;
  return Math.round(delay * (0.9 + 0.2 * random()));
}
