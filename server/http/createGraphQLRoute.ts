import { expressMiddleware } from '@as-integrations/express5';
import express, { type RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { AppServices, DomainServices } from '../app/appServices.ts';
import type { Authenticator } from '../auth/createAuthenticator.ts';
import type { Viewer } from '../auth/viewerTypes.ts';
import { isTopupError } from '../errors.ts';
import type { GraphQLContext } from '../graphql/context.ts';
import { createApolloServer } from '../graphql/createApolloServer.ts';
import type { Resolvers } from '../graphql/generated/resolversTypes.ts';
import type { GraphQLLimits } from '../graphql/graphqlLimits.ts';
import type { GraphQLMetrics } from '../graphql/metricsPlugin.ts';
import { requestIdOf } from './requestId.ts';

/**
 * The handlers of `/graphql` (GET for queries, POST for everything): a JSON body parser bounded by
 * `BODY_SIZE_MAX_BYTES`, then Apollo, with a context that authenticates the request.
 */
export function createGraphQLRoute(options: {
  services: AppServices;
  authenticator: Authenticator;
  metrics: GraphQLMetrics;
  extraResolvers?: readonly Resolvers[];
  limits?: Partial<GraphQLLimits>;
}): RequestHandler[] {
  const { services, authenticator } = options;
  // Resolvers get the domain services only: no storage handle reaches GraphQL, even untyped.
  const domainServices: DomainServices = {
    config: services.config,
    log: services.log,
    ledger: services.ledger,
    billing: services.billing,
    rateLimiter: services.rateLimiter,
    webhooks: services.webhooks,
    mail: services.mail,
    audit: services.audit,
  };
  const server = createApolloServer({
    services: domainServices,
    metrics: options.metrics,
    extraResolvers: options.extraResolvers ?? [],
    limits: options.limits ?? {},
  });

  const authenticate = async (request: express.Request): Promise<Viewer | null> => {
    try {
      return await authenticator.authenticate(request.headers);
    } catch (error) {
      // A credential that does not verify answers 401 for the whole request, with the contract's
      // code; `formatError` recognizes the TopupError inside.
      if (isTopupError(error)) {
        throw new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: 401 } } });
      }
      throw error;
    }
  };

  return [
    express.json({ limit: services.config.bodySizeMaxBytes }),
    (request, _response, next) => {
      // Express 5 leaves `body` unset when the content type is not JSON; Apollo then needs an
      // empty body to answer with its own 400 (or its CSRF refusal) instead of a 500.
      if (request.body === undefined) request.body = {};
      next();
    },
    expressMiddleware(server, {
      context: async ({ req }): Promise<GraphQLContext> => ({
        viewer: await authenticate(req),
        requestId: requestIdOf(req),
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        services: domainServices,
      }),
    }),
  ];
}
