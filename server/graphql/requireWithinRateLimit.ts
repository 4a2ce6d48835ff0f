import type { RateLimitRule } from '../rateLimits/createRateLimiter.ts';
import type { GraphQLContext } from './context.ts';

/** What a GraphQL operation with a cost is limited by: its caller and the client's address. */
const checksByOperation = {
  checkout: (userId: string, clientIp: string) => [['checkoutPerUser', userId], ['checkoutPerIp', clientIp]],
  topUp: (userId: string, clientIp: string) => [['topUpPerUser', userId], ['topUpPerIp', clientIp]],
  refund: (userId: string) => [['refundPerAdmin', userId]],
} satisfies Record<string, (userId: string, clientIp: string) => Array<[RateLimitRule, string]>>;

/**
 * Gate for operations that lead to Stripe: counts the call against the caller's and the address's
 * allowances (shared by every instance) before anything else runs.
 * Errors: RATE_LIMITED with `retryAfterSeconds`.
 */
export async function requireWithinRateLimit(context: GraphQLContext, operation: keyof typeof checksByOperation, userId: string): Promise<void> {
  await context.services.rateLimiter.take(checksByOperation[operation](userId, context.clientIp));
}
