import type { Resolvers } from '../generated/resolversTypes.ts';
import type { GraphQLContext } from '../context.ts';
import { requireRole } from '../requireRole.ts';
import { holdSecondsDefault } from '../../ledger/creditHolds.ts';
import { loadPurchase } from './purchaseLoader.ts';
import { loadLotChanges } from './lotChangesLoader.ts';
import { filterArguments, listConnection, pageArguments } from './toConnection.ts';

/** Who moves the credits of a service or admin call: the service's name, or the admin's user id. */
function movingActor(context: GraphQLContext): string {
  const viewer = requireRole(context, ['service', 'admin']);
  return viewer.serviceName ?? viewer.userId;
}

/**
 * The ledger across users (admins), manual adjustments (admins), and spending, holds and
 * promotional grants (services, admins).
 */
export const ledgerResolvers: Resolvers = {
  Query: {
    ledgerEntries: (_parent, args, context) => {
      requireRole(context, ['admin']);
      const filter = filterArguments(args.filter, ['userId', 'kinds', 'from', 'to', 'actor']);
      return listConnection(context.services.ledger.listEntries({ ...filter, ...pageArguments(args) }));
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
    grantPromotionalCredits: (_parent, { input }, context) =>
      context.services.ledger.grantPromotional({
        userId: input.userId,
        credits: input.credits,
        reason: input.reason,
        expiresAt: input.expiresAt ?? null,
        actor: movingActor(context),
        idempotencyKey: input.idempotencyKey,
      }),
    reserveCredits: (_parent, { input }, context) =>
      context.services.ledger.reserve({
        userId: input.userId,
        amount: input.amount,
        reason: input.reason ?? null,
        actor: movingActor(context),
        idempotencyKey: input.idempotencyKey,
        expiresInSeconds: input.expiresInSeconds ?? holdSecondsDefault,
      }),
    captureCredits: (_parent, { input }, context) =>
      context.services.ledger.capture({
        holdId: input.holdId,
        amount: input.amount,
        actor: movingActor(context),
        idempotencyKey: input.idempotencyKey,
      }),
    releaseCredits: (_parent, { input }, context) => {
      movingActor(context);
      return context.services.ledger.release({ holdId: input.holdId });
    },
    spendCreditsBatch: (_parent, { input }, context) =>
      context.services.ledger.spendBatch({
        actor: movingActor(context),
        items: input.items.map((item) => ({
          userId: item.userId,
          amount: item.amount,
          reason: item.reason ?? null,
          idempotencyKey: item.idempotencyKey,
        })),
      }),
  },
  LedgerEntry: {
    // Ledger pages build it in their SQL; mutation results are batched (one call per request tick).
    lotChanges: (entry, _args, context) => entry.lotChanges ?? loadLotChanges(context, entry.id),
  },
  CreditLot: {
    purchase: (lot, _args, context) => (lot.purchaseSessionId === null ? null : loadPurchase(context, lot.purchaseSessionId)),
  },
};
