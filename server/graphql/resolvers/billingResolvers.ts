import { Kind, type OperationDefinitionNode } from 'graphql';
import { needsReceiptLookup } from '../../billing/findReceiptUrl.ts';
import { debtRepayment } from '../../ledger/debtRepayment.ts';
import { graphqlLimits } from '../graphqlLimits.ts';
import { stripeCallingFields } from '../validation/createStripeCallLimitRule.ts';
import type { UserRow } from '../../ledger/ledgerTypes.ts';
import type { GraphQLContext } from '../context.ts';
import type { Resolvers } from '../generated/resolversTypes.ts';
import { auditStamp } from '../auditStamp.ts';
import { requireAccessToUser } from '../requireAccessToUser.ts';
import { requireRole } from '../requireRole.ts';
import { requireWithinRateLimit } from '../requireWithinRateLimit.ts';
import { listConnection, pageArguments } from './toConnection.ts';
import { loadPurchase, loadRefundableCredits } from './purchaseLoader.ts';

/** Pricing, checkout, the success page's `topUp`, refunds, and purchases. Rules live in server/billing. */
export const billingResolvers: Resolvers = {
  Query: {
    pricing: (_parent, args, context) => {
      const pricing = context.services.billing.pricing.inCurrency(args.currency);
      return {
        currency: pricing.currency,
        unitPrice: pricing.unitPrice,
        currencyExponent: pricing.currencyExponent,
        packs: pricing.packs.map((pack) => ({ ...pack, debtRepaid: 0, creditsAdded: pack.credits })),
        creditsMin: pricing.creditsMin,
        creditsMax: pricing.creditsMax,
        roundingRule: pricing.roundingRule,
      };
    },
    currencies: (_parent, _args, context) => context.services.billing.pricing.currencies,
    priceQuote: async (_parent, args, context) => {
      const pricing = context.services.billing.pricing.inCurrency(args.currency);
      const amountMinor = pricing.quote(args.credits);
      return { credits: args.credits, amountMinor, currency: pricing.currency, ...(await callerDebtRepayment(context, args.credits)) };
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
    purchase: (_parent, args, context) => {
      requireRole(context, ['admin']);
      return loadPurchase(context, args.sessionId);
    },
    flaggedPurchases: (_parent, args, context) => {
      requireRole(context, ['admin']);
      return listConnection(context.services.billing.listPurchases({ flaggedOnly: true, ...pageArguments(args) }));
    },
  },
  Mutation: {
    createCreditTopUpSession: async (_parent, args, context, info) => {
      // The user comes from the verified token, and the amount from the server's pricing: the
      // browser only says how many credits it wants.
      const viewer = requireRole(context, ['user', 'admin']);
      await requireWithinRateLimit(context, 'checkout', viewer.userId);
      return context.services.billing.createTopUpSession({
        user: { userId: viewer.userId, email: viewer.email },
        credits: args.input.credits,
        currency: args.input.currency ?? null,
        // An admin buying for their own account is still an admin's mutation: audited.
        audit: auditStamp(context, info, viewer, { args, userId: viewer.userId }),
        saveCard: args.input.saveCard ?? false,
      });
    },
    refundTopUp: async (_parent, args, context, info) => {
      const viewer = requireRole(context, ['admin']);
      await requireWithinRateLimit(context, 'refund', viewer.userId);
      return context.services.billing.refundTopUp({
        sessionId: args.input.sessionId,
        credits: args.input.credits ?? null,
        actor: viewer.userId,
        audit: auditStamp(context, info, viewer, { args }),
      });
    },
  },
  User: {
    purchases: (user, args, context) => {
      requireAccessToUser(context, user.id);
      return listConnection(context.services.billing.listPurchases({ userId: user.id, statuses: args.statuses ?? null, ...pageArguments(args) }));
    },
  },
  CreditPack: {
    // The caller's split, from the server's balance: the console shows it and never computes it.
    debtRepaid: async (pack, _args, context) => (await callerDebtRepayment(context, pack.credits)).debtRepaid,
    creditsAdded: async (pack, _args, context) => (await callerDebtRepayment(context, pack.credits)).creditsAdded,
  },
  Purchase: {
    receiptUrl: (purchase, _args, context, info) => {
      if (!needsReceiptLookup(purchase)) return purchase.receiptUrl;
      if (!takeReceiptLookup(context, info.operation)) return null;
      return context.services.billing.findReceiptUrl(purchase);
    },
    refundableCredits: (purchase, _args, context) => loadRefundableCredits(context, purchase.sessionId),
    refundableAmountMinor: async (purchase, args, context) => {
      const quote = await context.services.billing.quoteRefund({ sessionId: purchase.sessionId, credits: args.credits ?? null });
      return quote?.amountMinor ?? null;
    },
  },
  LedgerEntry: {
    purchase: (entry, _args, context) => (entry.purchaseSessionId === null ? null : loadPurchase(context, entry.purchaseSessionId)),
  },
};

/**
 * How a grant of `credits` would split for the signed-in caller (a user or an admin buying for
 * themselves): what repays their debt and what is added. No caller, a service, or an unknown user
 * has no debt. The balance is read once per request (`findOwner`).
 */
async function callerDebtRepayment(context: GraphQLContext, credits: number): Promise<{ debtRepaid: number; creditsAdded: number }> {
  const viewer = context.viewer;
  if (viewer === null || viewer.role === 'service') return { debtRepaid: 0, creditsAdded: credits };
  const caller = await findOwner(context, viewer.userId);
  return debtRepayment({ credits, balance: caller?.credits ?? 0 });
}

const receiptLookupsByRequest = new WeakMap<GraphQLContext, { remaining: number }>();

/**
 * Receipt lookups call Stripe, once per purchase that has none stored yet. One request shares the
 * contract's Stripe call cap (`graphqlLimits.stripeCallsMax`, 5) with the root fields that call
 * Stripe: a page of 20 new purchases fetches 5 receipts and answers null for the others, which the
 * next request fetches (each one is stored once known).
 */
function takeReceiptLookup(context: GraphQLContext, operation: OperationDefinitionNode): boolean {
  let budget = receiptLookupsByRequest.get(context);
  if (budget === undefined) {
    const rootStripeCalls = operation.selectionSet.selections.filter(
      (selection) => selection.kind === Kind.FIELD && stripeCallingFields.has(selection.name.value),
    ).length;
    budget = { remaining: Math.max(0, graphqlLimits.stripeCallsMax - rootStripeCalls) };
    receiptLookupsByRequest.set(context, budget);
  }
  if (budget.remaining === 0) return false;
  budget.remaining -= 1;
  return true;
}

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
