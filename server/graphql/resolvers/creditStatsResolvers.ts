import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireRole } from '../requireRole.ts';

/** The console's charts: credit flows per day or week, computed from the ledger. */
export const creditStatsResolvers: Resolvers = {
  Query: {
    creditStats: async (_parent, args, context) => {
      requireRole(context, ['admin']);
      const buckets = await context.services.ledger.stats({ from: args.from, to: args.to, interval: args.interval });
      return { currency: context.services.config.credits.currency, interval: args.interval, buckets };
    },
  },
};
