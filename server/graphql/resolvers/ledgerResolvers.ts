import type { Resolvers } from '../generated/resolversTypes.ts';
import type { Viewer } from '../../auth/viewerTypes.ts';
import { auditStamp } from '../auditStamp.ts';
import { requireRole } from '../requireRole.ts';
import { holdSecondsDefault } from '../../ledger/creditHolds.ts';
import { loadPurchase } from './purchaseLoader.ts';
import { loadLotChanges } from './lotChangesLoader.ts';
import { filterArguments, listConnection, pageArguments } from './toConnection.ts';

/** Who moves the credits of a service or admin call: the service's name, or the admin's user id. */
function movingActor(viewer: Viewer): string {
  return viewer.serviceName ?? viewer.userId;
}

/**
 * The ledger across users (admins), manual adjustments (admins), and spending, holds and
 * promotional grants (services, admins). Admins' mutations are audited (`auditStamp`); a service's
 * are recorded by their ledger and hold rows.
 */
export const ledgerResolvers: Resolvers = {
  Query: {
    ledgerEntries: (_parent, args, context) => {
      requireRole(context, ['admin']);
      const filter = filterArguments(args.filter, ['userId', 'userIdContains', 'kinds', 'from', 'to', 'actor']);
      return listConnection(context.services.ledger.listEntries({ ...filter, ...pageArguments(args) }));
    },
  },
  Mutation: {
    adjustCredits: (_parent, args, context, info) => {
      const { input } = args;
      const viewer = requireRole(context, ['admin']);
      return context.services.ledger.adjust({
        userId: input.userId,
        delta: input.delta,
        reason: input.reason,
        actor: viewer.userId,
        idempotencyKey: input.idempotencyKey,
        audit: auditStamp(context, info, viewer, { args, userId: input.userId }),
      });
    },
    spendCredits: (_parent, args, context, info) => {
      const { input } = args;
      const viewer = requireRole(context, ['service', 'admin']);
      return context.services.ledger.spend({
        userId: input.userId,
        amount: input.amount,
        reason: input.reason ?? null,
        actor: viewer.serviceName ?? viewer.userId,
        idempotencyKey: input.idempotencyKey,
        audit: auditStamp(context, info, viewer, { args, userId: input.userId }),
      });
    },
    grantPromotionalCredits: (_parent, args, context, info) => {
      const { input } = args;
      const viewer = requireRole(context, ['service', 'admin']);
      return context.services.ledger.grantPromotional({
        userId: input.userId,
        credits: input.credits,
        reason: input.reason,
        expiresAt: input.expiresAt ?? null,
        actor: movingActor(viewer),
        idempotencyKey: input.idempotencyKey,
        audit: auditStamp(context, info, viewer, { args, userId: input.userId }),
      });
    },
    reserveCredits: (_parent, args, context, info) => {
      const { input } = args;
      const viewer = requireRole(context, ['service', 'admin']);
      return context.services.ledger.reserve({
        userId: input.userId,
        amount: input.amount,
        reason: input.reason ?? null,
        actor: movingActor(viewer),
        idempotencyKey: input.idempotencyKey,
        expiresInSeconds: input.expiresInSeconds ?? holdSecondsDefault,
        audit: auditStamp(context, info, viewer, { args, userId: input.userId }),
      });
    },
    captureCredits: (_parent, args, context, info) => {
      const { input } = args;
      const viewer = requireRole(context, ['service', 'admin']);
      return context.services.ledger.capture({
        holdId: input.holdId,
        amount: input.amount,
        actor: movingActor(viewer),
        idempotencyKey: input.idempotencyKey,
        audit: auditStamp(context, info, viewer, { args }),
      });
    },
    releaseCredits: (_parent, args, context, info) => {
      const viewer = requireRole(context, ['service', 'admin']);
      return context.services.ledger.release({ holdId: args.input.holdId, audit: auditStamp(context, info, viewer, { args }) });
    },
    spendCreditsBatch: (_parent, args, context, info) => {
      const viewer = requireRole(context, ['service', 'admin']);
      const items = args.input.items;
      const userIds = new Set(items.map((item) => item.userId));
      return context.services.ledger.spendBatch({
        actor: movingActor(viewer),
        items: items.map((item) => ({
          userId: item.userId,
          amount: item.amount,
          reason: item.reason ?? null,
          idempotencyKey: item.idempotencyKey,
        })),
        // A batch about one user names it; one across users is about none in particular.
        audit: auditStamp(context, info, viewer, { args, userId: userIds.size === 1 ? [...userIds][0]! : null }),
      });
    },
  },
  LedgerEntry: {
    // Ledger pages build it in their SQL; mutation results are batched (one call per request tick).
    lotChanges: (entry, _args, context) => entry.lotChanges ?? loadLotChanges(context, entry.id),
  },
  CreditLot: {
    purchase: (lot, _args, context) => (lot.purchaseSessionId === null ? null : loadPurchase(context, lot.purchaseSessionId)),
  },
};
