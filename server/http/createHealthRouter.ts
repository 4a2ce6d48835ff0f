import { Router } from 'express';
import type { Storage } from '../db/storage.ts';
import { timingSafeEqual } from 'node:crypto';
import type { MetricsRegistry } from './createMetricsRegistry.ts';
import { sendJsonError } from './sendJsonError.ts';

/**
 * Probes and metrics:
 * - `GET /healthz`: the process answers (liveness; never touches the database);
 * - `GET /readyz`: the database is reachable and migrated (readiness), 503 with the reason if not;
 * - `GET /metrics`: Prometheus text; behind `Authorization: Bearer <METRICS_TOKEN>` when that is set.
 */
export function createHealthRouter(options: { storage: Storage; metrics: MetricsRegistry; metricsToken: string | null }): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', async (_request, response) => {
    let readiness: { ready: boolean; detail: string };
    try {
      readiness = await options.storage.checkReady();
    } catch (error) {
      readiness = { ready: false, detail: error instanceof Error ? error.message : 'readiness check failed' };
    }
    response.setHeader('cache-control', 'no-store');
    response.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not_ready', detail: readiness.detail });
  });
  router.get('/metrics', (request, response) => {
    if (options.metricsToken !== null && !bearerMatches(request.headers.authorization, options.metricsToken)) {
      response.setHeader('www-authenticate', 'Bearer');
      sendJsonError(response, { status: 401, code: 'UNAUTHENTICATED', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
      return;
    }
    response.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    response.setHeader('cache-control', 'no-store');
    response.send(options.metrics.render());
  });
  return router;
}

/** Constant-time comparison of `Bearer <token>` with the configured token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
