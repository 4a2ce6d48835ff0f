import { fileURLToPath } from 'node:url';
import express from 'express';
import type { AppServices } from './appServices.ts';
import { createAuthenticator } from '../auth/createAuthenticator.ts';
import { loadDevSigningKey, type DevSigningKey } from '../auth/loadDevSigningKey.ts';
import type { Resolvers } from '../graphql/generated/resolversTypes.ts';
import type { GraphQLLimits } from '../graphql/graphqlLimits.ts';
import { createAccessLogMiddleware } from '../http/createAccessLogMiddleware.ts';
import { createAppMetrics } from '../http/createAppMetrics.ts';
import { createConsoleRouter } from '../http/createConsoleRouter.ts';
import { createDevTokenRouter } from '../http/createDevTokenRouter.ts';
import { createDevMailRouter } from '../http/createDevMailRouter.ts';
import { createGraphQLRoute } from '../http/createGraphQLRoute.ts';
import { createHealthRouter } from '../http/createHealthRouter.ts';
import { createJsonErrorHandler } from '../http/createJsonErrorHandler.ts';
import { createStripeWebhookRoute } from '../http/createStripeWebhookRoute.ts';
import { createClerkWebhookRoute } from '../http/createClerkWebhookRoute.ts';
import { createHostCheck } from '../http/createHostCheck.ts';
import { createSecurityHeaders } from '../http/createSecurityHeaders.ts';
import { requestIdMiddleware } from '../http/requestId.ts';
import { sendJsonError } from '../http/sendJsonError.ts';

export interface CreateAppOptions {
  /** Resolver maps merged after the built-in ones (see `graphql/resolvers/resolverMaps.ts`). */
  extraResolvers?: readonly Resolvers[];
  /** Overrides of the GraphQL depth, cost and parser limits (`graphql/graphqlLimits.ts`). */
  graphqlLimits?: Partial<GraphQLLimits>;
  /** The built console; `console/dist` of the repository by default. */
  consoleDirectory?: string;
}

const defaultConsoleDirectory = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/**
 * The whole HTTP surface of Topup (docs/reference/http.md), in the order requests meet it: request
 * id, access log and metrics; host check and security headers; the Stripe webhook (raw body, before any JSON parser); probes; dev
 * auth; GraphQL; unknown API paths; the console; errors. `startTopup` and every test use this one
 * function, so what tests reach is what users reach.
 */
export function createApp(services: AppServices, options: CreateAppOptions = {}): express.Express {
  const { config, log } = services;
  const metrics = createAppMetrics();
  const devSigningKey = memoize((): Promise<DevSigningKey> => loadDevSigningKey(config.dataDirectory));
  const authenticator = createAuthenticator({ config, devSigningKey });

  const app = express();
  app.disable('x-powered-by');
  // No ETag on what res.send answers (GraphQL, JSON errors): per-user answers are not cached, and
  // hashing every body cost about 1% of a request's CPU. The console's files keep theirs (serve-static).
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.use(requestIdMiddleware);
  app.use(createAccessLogMiddleware({ log, metrics }));
  app.use(createHostCheck(config.allowedHosts));
  app.use(createSecurityHeaders(config));

  // The webhook's signature is over the exact bytes: it reads the raw body, before any JSON parser.
  app.use(createStripeWebhookRoute({ billing: services.billing, log, bodySizeMaxBytes: config.bodySizeMaxBytes }));
  if (config.clerk.webhookSigningSecret !== null) {
    app.use(createClerkWebhookRoute({ ledger: services.ledger, log, signingSecret: config.clerk.webhookSigningSecret, bodySizeMaxBytes: config.bodySizeMaxBytes }));
  }

  app.use(createHealthRouter({ storage: services.storage, metrics: metrics.registry, metricsToken: config.metricsToken }));
  if (config.devAuth) app.use(createDevTokenRouter({ devSigningKey, rateLimiter: services.rateLimiter }));
  // The mail kept in DATA_DIR, for development only: production answers 404 (the /api fallback).
  if (!config.production) app.use(createDevMailRouter({ mail: services.mail }));
  app.all(
    '/graphql',
    ...createGraphQLRoute({
      services,
      authenticator,
      metrics: metrics.graphql,
      extraResolvers: options.extraResolvers ?? [],
      limits: options.graphqlLimits ?? {},
    }),
  );
  app.use('/api', (request, response) => {
    const message =
      request.path === '/dev/token' && !config.devAuth
        ? 'Dev auth is off: Clerk is configured or NODE_ENV is production'
        : `No route ${request.method} /api${request.path}`;
    sendJsonError(response, { status: 404, code: 'NOT_FOUND', message });
  });
  app.use(createConsoleRouter({ directory: options.consoleDirectory ?? defaultConsoleDirectory, production: config.production }));
  app.use(createJsonErrorHandler(log));
  return app;
}

/** Runs `load` once, on first use; a failure is not cached, so the next call retries. */
function memoize<Value>(load: () => Promise<Value>): () => Promise<Value> {
  let pending: Promise<Value> | null = null;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}
