import type { Resolvers } from '../generated/resolversTypes.ts';

/**
 * Internal values of the GraphQL enums: the lower-case words the database and the domain use.
 * graphql-js translates in both directions, so resolvers receive `'purchase'` for `PURCHASE` in
 * arguments and return rows as they are. `codegen.ts` declares the same mapping for the types.
 */
export const enumResolvers: Resolvers = {
  LedgerKind: {
    PURCHASE: 'purchase',
    REFUND: 'refund',
    DISPUTE: 'dispute',
    DISPUTE_WON: 'dispute_won',
    ADJUSTMENT: 'adjustment',
    SPEND: 'spend',
  },
  UserSort: {
    LAST_CREDIT_UPDATE_DESC: 'last_credit_update_desc',
    CREDITS_DESC: 'credits_desc',
    CREDITS_ASC: 'credits_asc',
    CREATED_AT_DESC: 'created_at_desc',
  },
  StatsInterval: { DAY: 'day', WEEK: 'week' },
  Role: { USER: 'user', ADMIN: 'admin', SERVICE: 'service' },
  TopUpStatus: {
    OPEN: 'open',
    PAID: 'paid',
    PENDING: 'pending',
    FAILED: 'failed',
    EXPIRED: 'expired',
    REFUNDED: 'refunded',
    PARTIALLY_REFUNDED: 'partially_refunded',
    DISPUTED: 'disputed',
  },
};
