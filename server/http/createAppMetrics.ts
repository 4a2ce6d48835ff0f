import type { GraphQLMetrics } from '../graphql/metricsPlugin.ts';
import { createMetricsRegistry, type MetricsRegistry } from './createMetricsRegistry.ts';

/** The application's metrics: HTTP traffic by route and status, and GraphQL operations and errors. */
export interface AppMetrics {
  registry: MetricsRegistry;
  requestCompleted(labels: { method: string; route: string; status: number }, durationSeconds: number): void;
  graphql: GraphQLMetrics;
}

/** Latency buckets from 5 ms to 10 s: a ledger page should sit in the first few. */
const durationBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createAppMetrics(): AppMetrics {
  const registry = createMetricsRegistry();
  const requests = registry.counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'status'],
  });
  const durations = registry.histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response finished, by method, route and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: durationBucketsSeconds,
  });
  const operations = registry.counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations answered, by operation type and outcome (error: the response has errors).',
    labelNames: ['operation_type', 'outcome'],
  });
  const errors = registry.counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code.',
    labelNames: ['code'],
  });
  return {
    registry,
    requestCompleted(labels, durationSeconds) {
      const seriesLabels = { method: labels.method, route: labels.route, status: String(labels.status) };
      requests.increment(seriesLabels);
      durations.observe(seriesLabels, durationSeconds);
    },
    graphql: {
      operationCompleted: (labels) => operations.increment({ operation_type: labels.operationType, outcome: labels.outcome }),
      errorReported: (labels) => errors.increment({ code: labels.code }),
    },
  };
}
