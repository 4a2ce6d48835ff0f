import type { Request } from 'express';

const knownRoutes = new Set(['/graphql', '/healthz', '/readyz', '/metrics', '/api/dev/token', '/api/stripe/webhooks']);

/**
 * The `route` label of HTTP metrics: a known route, or `console` / `other`. Never the raw path,
 * which would make one time series per URL anyone cares to request.
 */
export function routeLabel(request: Request): string {
  const path = request.path;
  if (knownRoutes.has(path)) return path;
  if (path.startsWith('/api/')) return 'other';
  return request.method === 'GET' || request.method === 'HEAD' ? 'console' : 'other';
}
