import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.ts';
import type { AppMetrics } from './createAppMetrics.ts';
import { requestIdOf } from './requestId.ts';
import { routeLabel } from './routeLabel.ts';

/** Probes hit these every few seconds; their lines would drown the rest at `info`. */
const quietRoutes = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One JSON log line and one metrics sample per request, when the response is finished (or the
 * client went away). The path is logged without its query string, which can be long.
 */
export function createAccessLogMiddleware(options: { log: Logger; metrics: AppMetrics }) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = process.hrtime.bigint();
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      const durationSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const route = routeLabel(request);
      // A response that never finished was abandoned by the client; 499 as nginx logs it.
      const status = response.writableFinished ? response.statusCode : 499;
      options.metrics.requestCompleted({ method: request.method, route, status }, durationSeconds);
      options.log.log(quietRoutes.has(route) ? 'debug' : 'info', 'http request', {
        requestId: requestIdOf(request),
        method: request.method,
        path: request.path,
        route,
        status,
        durationMilliseconds: Math.round(durationSeconds * 1e4) / 10,
        responseBytes: Number(response.getHeader('content-length') ?? 0),
        userAgent: request.get('user-agent'),
      });
    };
    response.once('finish', record);
    response.once('close', record);
    next();
  };
}
