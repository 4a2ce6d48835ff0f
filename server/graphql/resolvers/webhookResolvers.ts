import type { Resolvers } from '../generated/resolversTypes.ts';
import { requireRole } from '../requireRole.ts';
import { webhookEventTypes } from '../../webhooks/webhookTypes.ts';
import { toConnection } from './toConnection.ts';

/** Outbound webhooks: endpoints, deliveries and replays (admins), low-balance thresholds (admins, services). */
export const webhookResolvers: Resolvers = {
  Query: {
    webhookEndpoints: (_parent, _args, context) => {
      requireRole(context, ['admin']);
      return context.services.webhooks.listEndpoints();
    },
    webhookEventTypes: (_parent, _args, context) => {
      requireRole(context, ['admin']);
      return [...webhookEventTypes];
    },
    webhookDeliveries: async (_parent, args, context) => {
      requireRole(context, ['admin']);
      const page = await context.services.webhooks.listDeliveries({
        endpointId: args.filter?.endpointId ?? null,
        eventType: args.filter?.eventType ?? null,
        status: args.filter?.status ?? null,
        first: args.first ?? null,
        after: args.after ?? null,
      });
      return toConnection(page);
    },
  },
  Mutation: {
    createWebhookEndpoint: (_parent, { input }, context) => {
      requireRole(context, ['admin']);
      return context.services.webhooks.createEndpoint(input);
    },
    updateWebhookEndpoint: (_parent, { input }, context) => {
      requireRole(context, ['admin']);
      return context.services.webhooks.updateEndpoint(input);
    },
    deleteWebhookEndpoint: (_parent, { id }, context) => {
      requireRole(context, ['admin']);
      return context.services.webhooks.deleteEndpoint(id);
    },
    rotateWebhookEndpointSecret: (_parent, { id }, context) => {
      requireRole(context, ['admin']);
      return context.services.webhooks.rotateSecret(id);
    },
    replayWebhookDelivery: (_parent, { id }, context) => {
      requireRole(context, ['admin']);
      return context.services.webhooks.replayDelivery(id);
    },
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
