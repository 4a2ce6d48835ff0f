import { refundableCredits } from '../../billing/refundableCredits.ts';
import type { UserRow } from '../../ledger/ledgerTypes.ts';
import type { GraphQLContext } from '../context.ts';
import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireAccessToUser } from '../requireAccessToUser.ts';
import { requireRole } from '../requireRole.ts';
import { requireWithinRateLimit } from '../requireWithinRateLimit.ts';
import { listConnection, pageArguments } from './toConnection.ts';
import { loadPurchase } from './purchaseLoader.ts';

/** Pricing, checkout, the success page's `topUp`, refunds, and purchases. Rules live in server/billing. */
export const billingResolvers: Resolvers = {
  Query: {
    pricing: (_parent, args, context) => {
      const pricing = context.services.billing.pricing.inCurrency(args.currency);
      return {
        currency: pricing.currency,
        unitPrice: pricing.unitPrice,
        currencyExponent: pricing.currencyExponent,
        packs: pricing.packs,
        creditsMin: pricing.creditsMin,
        creditsMax: pricing.creditsMax,
        roundingRule: pricing.roundingRule,
      };
    },
    currencies: (_parent, _args, context) => context.services.billing.pricing.currencies,
    priceQuote: (_parent, args, context) => {
      const pricing = context.services.billing.pricing.inCurrency(args.currency);
      return { credits: args.credits, amountMinor: pricing.quote(args.credits), currency: pricing.currency };
    },
    topUp: async (_parent, args, context) => {
      const viewer = requireRole(context, ['user', 'admin']);
      await requireWithinRateLimit(context, 'topUp', viewer.userId);
      const { purchase, balance } = await context.services.billing.checkTopUp({
        viewer: { userId: viewer.userId, isAdmin: viewer.role === 'admin' },
        sessionId: args.sessionId,
      });
      return {
        sessionId: purchase.sessionId,
        status: purchase.status,
        credits: purchase.credits,
        amountMinor: purchase.amountMinor,
        currency: purchase.currency,
        creditsGranted: purchase.creditsGranted,
        balance,
      };
    },
    flaggedPurchases: (_parent, args, context) => {
      requireRole(context, ['admin']);
      return listConnection(context.services.billing.listPurchases({ flaggedOnly: true, ...pageArguments(args) }));
    },
  },
  Mutation: {
    createCreditTopUpSession: async (_parent, args, context) => {
      // The user comes from the verified token, and the amount from the server's pricing: the
      // browser only says how many credits it wants.
      const viewer = requireRole(context, ['user', 'admin']);
      await requireWithinRateLimit(context, 'checkout', viewer.userId);
      return context.services.billing.createTopUpSession({
        user: { userId: viewer.userId, email: viewer.email },
        credits: args.input.credits,
        currency: args.input.currency ?? null,
        saveCard: args.input.saveCard ?? false,
      });
    },
    refundTopUp: async (_parent, args, context) => {
      const viewer = requireRole(context, ['admin']);
      await requireWithinRateLimit(context, 'refund', viewer.userId);
      return context.services.billing.refundTopUp({
        sessionId: args.input.sessionId,
        credits: args.input.credits ?? null,
        actor: viewer.userId,
      });
    },
  },
  User: {
    purchases: (user, args, context) => {
      requireAccessToUser(context, user.id);
      return listConnection(context.services.billing.listPurchases({ userId: user.id, ...pageArguments(args) }));
    },
  },
  Purchase: {
    refundableCredits: async (purchase, _args, context) => {
      const owner = await findOwner(context, purchase.userId);
      return refundableCredits(purchase, owner?.credits ?? 0);
    },
  },
  LedgerEntry: {
    purchase: (entry, _args, context) => (entry.purchaseSessionId === null ? null : loadPurchase(context, entry.purchaseSessionId)),
  },
};

const ownersByRequest = new WeakMap<GraphQLContext, Map<string, Promise<UserRow | null>>>();

/**
 * The owner of a purchase, looked up once per request: a page of one user's purchases asks for the
 * same balance on every row.
 */
function findOwner(context: GraphQLContext, userId: string): Promise<UserRow | null> {
  let owners = ownersByRequest.get(context);
  if (owners === undefined) {
    owners = new Map();
    ownersByRequest.set(context, owners);
  }
  let owner = owners.get(userId);
  if (owner === undefined) {
    owner = context.services.ledger.findUser(userId);
    owners.set(userId, owner);
  }
  return owner;
}
