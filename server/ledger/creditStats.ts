import { errorCodes, TopupError } from '../errors.ts';
import type { Storage } from '../db/storage.ts';

/** Money received in one currency within one bucket; amounts are never summed across currencies. */
export interface CurrencyRevenueRow {
  /** ISO code, lower case: the purchase's recorded currency (a converted session counts in it). */
  currency: string;
  amountMinor: number;
  creditsSold: number;
  purchases: number;
}

export interface CreditStatsRow {
  /** Start of the bucket, ISO UTC. */
  start: string;
  creditsSold: number;
  creditsSpent: number;
  /** Net of credits restored by won disputes. */
  creditsClawedBack: number;
  creditsAdjusted: number;
  /** One entry per currency with purchases paid in the bucket, by currency code. */
  revenue: CurrencyRevenueRow[];
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
