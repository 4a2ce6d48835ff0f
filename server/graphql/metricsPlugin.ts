import type { ApolloServerPlugin } from '@apollo/server';
import { classifyError } from './classifyError.ts';
import type { GraphQLContext } from './context.ts';

/** Where the GraphQL layer reports what it did; the HTTP layer backs it with Prometheus counters. */
export interface GraphQLMetrics {
  /** One operation answered; `operationType` is `query`, `mutation` or `unknown` (did not parse). */
  operationCompleted(labels: { operationType: string; outcome: 'success' | 'error' }): void;
  /** One error in a response, by its `extensions.code` (a bounded set: contract and Apollo codes). */
  errorReported(labels: { code: string }): void;
}

export function metricsPlugin(metrics: GraphQLMetrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          for (const error of errors ?? []) {
            const errorClass = classifyError(error);
            const code =
              errorClass.kind === 'domain' ? errorClass.error.code : errorClass.kind === 'client' ? errorClass.code : 'INTERNAL_SERVER_ERROR';
            metrics.errorReported({ code });
          }
          metrics.operationCompleted({
            operationType: operation?.operation ?? 'unknown',
            outcome: (errors ?? []).length === 0 ? 'success' : 'error',
          });
        },
      };
    },
  };
}
