import { errorCodes, TopupError } from '../errors.ts';
import type { Storage } from '../db/storage.ts';

export interface CreditStatsRow {
  /** Start of the bucket, ISO UTC. */
  start: string;
  creditsSold: number;
  creditsSpent: number;
  /** Net of credits restored by won disputes. */
  creditsClawedBack: number;
  creditsAdjusted: number;
  revenueMinor: number;
}

/** Credit flows per day or week in [from, to). Errors: BAD_USER_INPUT (range, more than 400 buckets). */
export async function creditStats(
  storage: Storage,
  options: { from: string; to: string; interval: 'day' | 'week' },
): Promise<CreditStatsRow[]> {
  for (const [name, value] of [['from', options.from], ['to', options.to]] as const) {
    if (Number.isNaN(Date.parse(value))) throw new TopupError(errorCodes.badUserInput, `${name} must be an ISO 8601 date-time`);
  }
  return storage.call<CreditStatsRow[]>('credit_stats', {
    p_from: new Date(options.from).toISOString(),
    p_to: new Date(options.to).toISOString(),
    p_interval: options.interval,
  });
}
