import type { Storage } from '../db/storage.ts';
import { errorCodes, TopupError } from '../errors.ts';

/**
 * Per-minute allowances of the operations that cost money or lead to Stripe, per user and per
 * client IP. Counted in PostgreSQL (`take_rate_limit`), so every instance shares one count.
 */
export interface RateLimitSettings {
  /** Checkout Sessions one user may create per minute (`RATE_LIMIT_CHECKOUTS_PER_MINUTE`, default 10). */
  checkoutsPerUserPerMinute: number;
}

export type RateLimitRule = 'checkoutPerUser' | 'checkoutPerIp' | 'topUpPerUser' | 'topUpPerIp' | 'refundPerAdmin' | 'devTokenPerIp';

/**
 * The rules. `topUp` is polled by the success page (about once a second while a payment settles),
 * so its allowance is generous; per-IP limits are looser than per-user ones, since many users may
 * share an address behind a NAT.
 */
export function rateLimitRules(settings: RateLimitSettings): Record<RateLimitRule, { limit: number; windowSeconds: number }> {
  return {
    checkoutPerUser: { limit: settings.checkoutsPerUserPerMinute, windowSeconds: 60 },
    checkoutPerIp: { limit: Math.max(30, settings.checkoutsPerUserPerMinute * 3), windowSeconds: 60 },
    topUpPerUser: { limit: 120, windowSeconds: 60 },
    topUpPerIp: { limit: 300, windowSeconds: 60 },
    refundPerAdmin: { limit: 30, windowSeconds: 60 },
    devTokenPerIp: { limit: 60, windowSeconds: 60 },
  };
}

export interface RateLimiter {
  /**
   * Counts one hit for each `[rule, subject]` and throws RATE_LIMITED, with `retryAfterSeconds`, when
   * any of them is over its allowance. Every check counts, so the caller names all that apply.
   */
  take(checks: ReadonlyArray<readonly [RateLimitRule, string]>): Promise<void>;
}

export function createRateLimiter(options: { storage: Storage; settings: RateLimitSettings }): RateLimiter {
  const rules = rateLimitRules(options.settings);
  return {
    async take(checks) {
      for (const [rule, subject] of checks) {
        const { limit, windowSeconds } = rules[rule];
        const result = await options.storage.call<{ allowed: boolean; retryAfterSeconds: number }>('take_rate_limit', {
          p_key: `${rule}:${subject}`.slice(0, 300),
          p_limit: limit,
          p_window_seconds: windowSeconds,
        });
        if (!result.allowed) {
          throw new TopupError(
            errorCodes.rateLimited,
            `Too many requests: at most ${limit} per ${windowSeconds} seconds. Try again in ${result.retryAfterSeconds} seconds.`,
            { retryAfterSeconds: result.retryAfterSeconds, limit, windowSeconds },
          );
        }
      }
    },
  };
}
