import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireRole } from '../requireRole.ts';

/**
 * The console's charts: credit flows per day or week, computed from the ledger, and revenue per
 * currency. `revenueMinor` (deprecated) is the default currency's alone: it was one number when
 * there was one currency, and adding other currencies' minor units to it would mean nothing.
 */
export const creditStatsResolvers: Resolvers = {
  Query: {
    creditStats: async (_parent, args, context) => {
      requireRole(context, ['admin']);
      const defaultCurrency = context.services.billing.pricing.currency;
      const rows = await context.services.ledger.stats({ from: args.from, to: args.to, interval: args.interval });
      const seen = new Set(rows.flatMap((row) => row.revenue.map((entry) => entry.currency)));
      const currencies = [defaultCurrency, ...[...seen].filter((currency) => currency !== defaultCurrency).sort()];
      const buckets = rows.map((row) => ({
        ...row,
        revenueMinor: row.revenue.find((entry) => entry.currency === defaultCurrency)?.amountMinor ?? 0,
      }));
      return { currency: defaultCurrency, currencies, interval: args.interval, buckets };
    },
  },
};
