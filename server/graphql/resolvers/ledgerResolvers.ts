import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireRole } from '../requireRole.ts';
import { toConnection } from './toConnection.ts';

/** The ledger across users (admins), manual adjustments (admins) and spending (services, admins). */
export const ledgerResolvers: Resolvers = {
  Query: {
    ledgerEntries: async (_parent, args, context) => {
      requireRole(context, ['admin']);
      const page = await context.services.ledger.listEntries({
        userId: args.filter?.userId ?? null,
        kinds: args.filter?.kinds ?? null,
        from: args.filter?.from ?? null,
        to: args.filter?.to ?? null,
        actor: args.filter?.actor ?? null,
        first: args.first ?? null,
        after: args.after ?? null,
      });
      return toConnection(page);
    },
  },
  Mutation: {
    adjustCredits: (_parent, { input }, context) => {
      const viewer = requireRole(context, ['admin']);
      return context.services.ledger.adjust({
        userId: input.userId,
        delta: input.delta,
        reason: input.reason,
        actor: viewer.userId,
        idempotencyKey: input.idempotencyKey,
      });
    },
    spendCredits: (_parent, { input }, context) => {
      const viewer = requireRole(context, ['service', 'admin']);
      return context.services.ledger.spend({
        userId: input.userId,
        amount: input.amount,
        reason: input.reason ?? null,
        actor: viewer.serviceName ?? viewer.userId,
        idempotencyKey: input.idempotencyKey,
      });
    },
  },
};
