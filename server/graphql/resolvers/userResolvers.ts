import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireAccessToUser } from '../requireAccessToUser.ts';
import { requireRole } from '../requireRole.ts';
import { toConnection } from './toConnection.ts';

/** The caller, users for admins, and a user's own ledger. */
export const userResolvers: Resolvers = {
  Query: {
    // The user always comes from the verified token, never from an argument; first sight creates
    // the row, so a new Clerk user sees a balance of 0 without any sign-up step.
    me: (_parent, _args, context) => {
      const viewer = requireRole(context, ['user', 'admin']);
      return context.services.ledger.viewerUser({ userId: viewer.userId, email: viewer.email });
    },
    viewer: (_parent, _args, context) => {
      const viewer = requireRole(context, ['user', 'admin', 'service']);
      return { id: viewer.userId, role: viewer.role };
    },
    users: async (_parent, args, context) => {
      requireRole(context, ['admin']);
      const page = await context.services.ledger.listUsers({
        search: args.search ?? null,
        sort: args.sort,
        first: args.first ?? null,
        after: args.after ?? null,
      });
      return toConnection(page);
    },
    user: (_parent, args, context) => {
      requireRole(context, ['admin']);
      return context.services.ledger.findUser(args.id);
    },
  },
  User: {
    debt: (user) => Math.max(0, -user.credits),
    // Holds never make it negative: credits expired or clawed back under a hold leave 0 available.
    availableCredits: (user) => Math.max(0, user.credits - user.heldCredits),
    lots: (user, args, context) => {
      requireAccessToUser(context, user.id);
      return context.services.ledger.lots({ userId: user.id, includeSpent: args.includeSpent ?? false });
    },
    holds: (user, args, context) => {
      requireAccessToUser(context, user.id);
      return context.services.ledger.holds({ userId: user.id, status: args.status ?? null });
    },
    ledger: async (user, args, context) => {
      requireAccessToUser(context, user.id);
      const page = await context.services.ledger.listEntries({
        userId: user.id,
        kinds: args.filter?.kinds ?? null,
        from: args.filter?.from ?? null,
        to: args.filter?.to ?? null,
        first: args.first ?? null,
        after: args.after ?? null,
      });
      return toConnection(page);
    },
  },
};
