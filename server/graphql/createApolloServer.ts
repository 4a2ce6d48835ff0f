import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { DomainServices } from '../app/appServices.ts';
import type { GraphQLContext } from './context.ts';
import { createGraphQLSchema } from './createGraphQLSchema.ts';
import { errorLoggingPlugin } from './errorLoggingPlugin.ts';
import { formatError } from './formatError.ts';
import { inputGuardPlugin } from './inputGuardPlugin.ts';
import type { Resolvers } from './generated/resolversTypes.ts';
import { graphqlLimits, type GraphQLLimits } from './graphqlLimits.ts';
import { metricsPlugin, type GraphQLMetrics } from './metricsPlugin.ts';
import { createCostLimitRule } from './validation/createCostLimitRule.ts';
import { createDepthLimitRule } from './validation/createDepthLimitRule.ts';
import { createStripeCallLimitRule } from './validation/createStripeCallLimitRule.ts';

/**
 * Apollo Server with every abuse limit on: depth and cost validation rules, a parser token limit,
 * no HTTP batching (one request, one operation), CSRF prevention (a browser cannot send a
 * "simple" cross-site request that Apollo would execute), no stack traces, and in production no
 * introspection, no schema hints in errors and no landing page.
 *
 * Started in the background so that `createApp` stays synchronous: requests wait for the start,
 * and a failed start fails every request (and is logged) instead of crashing half-booted.
 */
export function createApolloServer(options: {
  services: DomainServices;
  metrics: GraphQLMetrics;
  extraResolvers?: readonly Resolvers[];
  /** Overrides of `graphqlLimits`, for tests and tuning. */
  limits?: Partial<GraphQLLimits>;
}): ApolloServer<GraphQLContext> {
  const { config, log } = options.services;
  const limits: GraphQLLimits = { ...graphqlLimits, ...options.limits };
  const apolloLog = log.child({ component: 'apollo' });
  const server = new ApolloServer<GraphQLContext>({
    schema: createGraphQLSchema({ extraResolvers: options.extraResolvers ?? [] }),
    formatError,
    validationRules: [
      createDepthLimitRule({ depthMax: limits.depthMax }),
      createCostLimitRule({ costMax: limits.costMax, pageSizeDefault: limits.pageSizeDefault, pageSizeMax: limits.pageSizeMax }),
      createStripeCallLimitRule({ fieldsMax: limits.stripeCallsMax }),
    ],
    parseOptions: { maxTokens: limits.parseTokensMax },
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    introspection: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    includeStacktraceInErrorResponses: false,
    // `server/main.ts` owns shutdown; Apollo must not install its own signal handlers.
    stopOnTerminationSignals: false,
    logger: {
      debug: (message: string) => apolloLog.log('debug', message),
      info: (message: string) => apolloLog.log('info', message),
      warn: (message: string) => apolloLog.log('warn', message),
      error: (message: string) => apolloLog.log('error', message),
    },
    plugins: [
      inputGuardPlugin(),
      errorLoggingPlugin(log),
      metricsPlugin(options.metrics),
      ...(config.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  server.startInBackgroundHandlingStartupErrorsByLoggingAndFailingAllRequests();
  return server;
}
