import { fileURLToPath } from 'node:url';
import express from 'express';
import type { AppServices } from '../appServices.ts';
import { createAuthenticator } from '../auth/createAuthenticator.ts';
import { loadDevSigningKey, type DevSigningKey } from '../auth/loadDevSigningKey.ts';
import type { Resolvers } from '../graphql/generated/resolversTypes.ts';
import type { GraphQLLimits } from '../graphql/graphqlLimits.ts';
import { createAccessLogMiddleware } from './createAccessLogMiddleware.ts';
import { createAppMetrics } from './createAppMetrics.ts';
import { createConsoleRouter } from './createConsoleRouter.ts';
import { createDevTokenRouter } from './createDevTokenRouter.ts';
import { createGraphQLRoute } from './createGraphQLRoute.ts';
import { createHealthRouter } from './createHealthRouter.ts';
import { createJsonErrorHandler } from './createJsonErrorHandler.ts';
import { requestIdMiddleware } from './requestId.ts';
import { sendJsonError } from './sendJsonError.ts';

export interface CreateAppOptions {
  /**
   * Mounts routes that must read the raw body, before any body parser runs: the Stripe webhook
   * (`POST /api/stripe/webhooks`, whose signature is over the exact bytes). Request ids, the access
   * log and metrics already apply to these routes.
   */
  beforeBodyParsers?: (app: express.Express) => void;
  /** Resolver maps merged after the built-in ones (see `graphql/resolvers/resolverMaps.ts`). */
  extraResolvers?: readonly Resolvers[];
  /** Overrides of the GraphQL depth, cost and parser limits (`graphql/graphqlLimits.ts`). */
  graphqlLimits?: Partial<GraphQLLimits>;
  /** The built console; `console/dist` of the repository by default. */
  consoleDirectory?: string;
}

const defaultConsoleDirectory = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/**
 * The whole HTTP surface of Topup (see CONTRACT.md, "HTTP"), in the order requests meet it:
 * request id, access log and metrics; raw-body routes; probes; dev auth; GraphQL; unknown API
 * paths; the console; errors.
 */
export function createApp(services: AppServices, options: CreateAppOptions = {}): express.Express {
  const { config, log } = services;
  const metrics = createAppMetrics();
  const devSigningKey = memoize((): Promise<DevSigningKey> => loadDevSigningKey(config.dataDirectory));
  const authenticator = createAuthenticator({ config, devSigningKey });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(createAccessLogMiddleware({ log, metrics }));
  app.use((_request, response, next) => {
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('x-frame-options', 'DENY');
    next();
  });

  // ---- Raw-body routes: mounted here, before any JSON parser. The Stripe webhook goes here. ----
  options.beforeBodyParsers?.(app);

  app.use(createHealthRouter({ storage: services.storage, metrics: metrics.registry }));
  if (config.devAuth) app.use(createDevTokenRouter({ devSigningKey }));
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
  app.use(createConsoleRouter({ directory: options.consoleDirectory ?? defaultConsoleDirectory }));
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
