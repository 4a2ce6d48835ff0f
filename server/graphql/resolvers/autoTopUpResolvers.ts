import { errorCodes, TopupError } from '../../errors.ts';
import { auditStamp } from '../auditStamp.ts';
import type { GraphQLContext } from '../context.ts';
import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireAccessToUser } from '../requireAccessToUser.ts';
import { requireRole } from '../requireRole.ts';

/**
 * Auto top-up settings and the saved card (docs/auto-top-up.md). Users change their own; admins
 * anyone's, naming `userId`. The price of the credits is the server's (server/billing/autoTopUp).
 */
export const autoTopUpResolvers: Resolvers = {
  Mutation: {
    setAutoTopUp: async (_parent, args, context, info) => {
      const { input } = args;
      const userId = await targetUser(context, input.userId ?? null);
      return context.services.billing.autoTopUps.set({
        userId,
        enabled: input.enabled,
        thresholdCredits: input.thresholdCredits,
        credits: input.credits,
        monthlyLimitMinor: input.monthlyLimitMinor,
        currency: input.currency ?? null,
        audit: auditStamp(context, info, requireRole(context, ['user', 'admin']), { args, userId }),
      });
    },
    removeSavedCard: async (_parent, args, context, info) => {
      const userId = await targetUser(context, args.userId ?? null);
      return context.services.billing.autoTopUps.removeSavedCard(userId, auditStamp(context, info, requireRole(context, ['user', 'admin']), { args, userId }));
    },
  },
  User: {
    autoTopUp: (user, _args, context) => {
      requireAccessToUser(context, user.id);
      return context.services.billing.autoTopUps.find(user.id);
    },
  },
};

/**
 * The user whose settings change: the caller (made known to the ledger on first use, like `me`), or,
 * for an admin naming another user, that user (NOT_FOUND when unknown). Errors: UNAUTHENTICATED,
 * FORBIDDEN (a user naming someone else).
 */
async function targetUser(context: GraphQLContext, userId: string | null): Promise<string> {
  const viewer = requireRole(context, ['user', 'admin']);
  if (userId === null || userId === viewer.userId) {
    await context.services.ledger.ensureUser({ userId: viewer.userId, email: viewer.email });
    return viewer.userId;
  }
  if (viewer.role !== 'admin') throw new TopupError(errorCodes.forbidden, "Only admins may change another user's auto top-up");
  return userId;
}
