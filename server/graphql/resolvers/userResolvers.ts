import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireAccessToUser } from '../requireAccessToUser.ts';
import { requireRole } from '../requireRole.ts';
import { filterArguments, listConnection, pageArguments } from './toConnection.ts';

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
    users: (_parent, args, context) => {
      requireRole(context, ['admin']);
      return listConnection(context.services.ledger.listUsers({ search: args.search ?? null, sort: args.sort, ...pageArguments(args) }));
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
    ledger: (user, args, context) => {
      requireAccessToUser(context, user.id);
      const filter = filterArguments(args.filter, ['kinds', 'from', 'to']);
      return listConnection(context.services.ledger.listEntries({ userId: user.id, ...filter, ...pageArguments(args) }));
    },
  },
};
