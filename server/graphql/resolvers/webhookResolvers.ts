import type { Resolvers } from '../generated/resolversTypes.ts';
import type { GraphQLContext } from '../context.ts';
import { requireRole } from '../requireRole.ts';
import { webhookEventTypes } from '../../webhooks/webhookTypes.ts';
import { filterArguments, listConnection, pageArguments } from './toConnection.ts';

/** The webhooks service, once the caller is known to be an admin (FORBIDDEN otherwise). */
function adminWebhooks(context: GraphQLContext): GraphQLContext['services']['webhooks'] {
  requireRole(context, ['admin']);
  return context.services.webhooks;
}

/** Outbound webhooks: endpoints, deliveries and replays (admins), low-balance thresholds (admins, services). */
export const webhookResolvers: Resolvers = {
  Query: {
    webhookEndpoints: (_parent, _args, context) => adminWebhooks(context).listEndpoints(),
    webhookEventTypes: (_parent, _args, context) => {
      requireRole(context, ['admin']);
      return [...webhookEventTypes];
    },
    webhookDeliveries: (_parent, args, context) => {
      const webhooks = adminWebhooks(context);
      const filter = filterArguments(args.filter, ['endpointId', 'eventType', 'status']);
      return listConnection(webhooks.listDeliveries({ ...filter, ...pageArguments(args) }));
    },
  },
  Mutation: {
    createWebhookEndpoint: (_parent, { input }, context) => adminWebhooks(context).createEndpoint(input),
    updateWebhookEndpoint: (_parent, { input }, context) => adminWebhooks(context).updateEndpoint(input),
    deleteWebhookEndpoint: (_parent, { id }, context) => adminWebhooks(context).deleteEndpoint(id),
    rotateWebhookEndpointSecret: (_parent, { id }, context) => adminWebhooks(context).rotateSecret(id),
    replayWebhookDelivery: (_parent, { id }, context) => adminWebhooks(context).replayDelivery(id),
    setLowBalanceThreshold: (_parent, { input }, context) => {
      requireRole(context, ['admin', 'service']);
      return context.services.webhooks.setLowBalanceThreshold({ userId: input.userId, credits: input.credits ?? null });
    },
  },
  User: {
    // One small query per user shown; pages are at most 100 users.
    lowBalanceCredits: async (user, _args, context) => {
      const thresholds = await context.services.webhooks.lowBalanceThresholds([user.id]);
      return thresholds[user.id]!;
    },
  },
};
