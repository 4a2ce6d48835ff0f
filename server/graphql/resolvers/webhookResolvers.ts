import type { GraphQLResolveInfo } from 'graphql';
import type { Resolvers } from '../generated/resolversTypes.ts';
import { auditStamp } from '../auditStamp.ts';
import type { GraphQLContext } from '../context.ts';
import { requireRole } from '../requireRole.ts';
import { webhookEventTypes } from '../../webhooks/webhookTypes.ts';
import { filterArguments, listConnection, pageArguments } from './toConnection.ts';

/** The webhooks service, once the caller is known to be an admin (FORBIDDEN otherwise). */
function adminWebhooks(context: GraphQLContext): GraphQLContext['services']['webhooks'] {
  requireRole(context, ['admin']);
  return context.services.webhooks;
}

/** The webhooks service and the audit stamp of an admin's mutation (FORBIDDEN for anyone else). */
function auditedAdminWebhooks(context: GraphQLContext, info: GraphQLResolveInfo, args: Record<string, unknown>) {
  const viewer = requireRole(context, ['admin']);
  return { webhooks: context.services.webhooks, audit: auditStamp(context, info, viewer, { args }) };
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
    createWebhookEndpoint: (_parent, args, context, info) => {
      const { webhooks, audit } = auditedAdminWebhooks(context, info, args);
      return webhooks.createEndpoint(args.input, audit);
    },
    updateWebhookEndpoint: (_parent, args, context, info) => {
      const { webhooks, audit } = auditedAdminWebhooks(context, info, args);
      return webhooks.updateEndpoint(args.input, audit);
    },
    deleteWebhookEndpoint: (_parent, args, context, info) => {
      const { webhooks, audit } = auditedAdminWebhooks(context, info, args);
      return webhooks.deleteEndpoint(args.id, audit);
    },
    rotateWebhookEndpointSecret: (_parent, args, context, info) => {
      const { webhooks, audit } = auditedAdminWebhooks(context, info, args);
      return webhooks.rotateSecret(args.id, audit);
    },
    replayWebhookDelivery: (_parent, args, context, info) => {
      const { webhooks, audit } = auditedAdminWebhooks(context, info, args);
      return webhooks.replayDelivery(args.id, audit);
    },
    setLowBalanceThreshold: (_parent, args, context, info) => {
      const viewer = requireRole(context, ['admin', 'service']);
      // No ledger row records who set a threshold, so a service's call is audited too.
      const audit = auditStamp(context, info, viewer, { args, userId: args.input.userId, callers: 'admins and services' });
      return context.services.webhooks.setLowBalanceThreshold({ userId: args.input.userId, credits: args.input.credits ?? null, audit });
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
