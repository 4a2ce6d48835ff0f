import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireRole } from '../requireRole.ts';
import { loadPurchase } from './purchaseLoader.ts';
import { filterArguments, listConnection, pageArguments } from './toConnection.ts';

/**
 * The admins' Stripe event log. A page never reads payloads; `StripeEvent.payload` reads one event's
 * JSON from the database when asked, which the console does only for the event an admin opens.
 */
export const stripeEventResolvers: Resolvers = {
  Query: {
    stripeEvents: (_parent, args, context) => {
      requireRole(context, ['admin']);
      const filter = filterArguments(args.filter, ['outcomes', 'duplicatesOnly', 'type', 'sessionId', 'userId', 'from', 'to']);
      return listConnection(context.services.billing.listStripeEvents({ ...filter, ...pageArguments(args) }));
    },
    stripeEvent: (_parent, args, context) => {
      requireRole(context, ['admin']);
      return context.services.billing.findStripeEvent(args.id);
    },
  },
  StripeEvent: {
    purchase: (event, _args, context) => (event.purchaseSessionId === null ? null : loadPurchase(context, event.purchaseSessionId)),
    payload: async (event, _args, context) => {
      requireRole(context, ['admin']);
      if (!event.hasPayload) return null;
      const found = 'payload' in event ? event : await context.services.billing.findStripeEvent(event.id);
      return found?.payload == null ? null : JSON.stringify(found.payload, null, 2);
    },
  },
};
