import type { Resolvers } from '../generated/resolversTypes.ts';
import { auditResolvers } from './auditResolvers.ts';
import { autoTopUpResolvers } from './autoTopUpResolvers.ts';
import { billingResolvers } from './billingResolvers.ts';
import { commonResolvers } from './commonResolvers.ts';
import { creditStatsResolvers } from './creditStatsResolvers.ts';
import { enumResolvers } from './enumResolvers.ts';
import { ledgerResolvers } from './ledgerResolvers.ts';
import { mailResolvers } from './mailResolvers.ts';
import { userResolvers } from './userResolvers.ts';
import { stripeEventResolvers } from './stripeEventResolvers.ts';
import { webhookResolvers } from './webhookResolvers.ts';

/**
 * Every resolver map of the schema, merged by `createGraphQLSchema`. A new concern adds its map
 * here.
 */
export const resolverMaps: readonly Resolvers[] = [
  commonResolvers,
  enumResolvers,
  userResolvers,
  ledgerResolvers,
  creditStatsResolvers,
  billingResolvers,
  webhookResolvers,
  mailResolvers,
  stripeEventResolvers,
  auditResolvers,
  autoTopUpResolvers,
];
