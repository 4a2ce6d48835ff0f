import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../log.ts';
import { classifyError } from './classifyError.ts';
import type { GraphQLContext } from './context.ts';

/**
 * Logs every error that `formatError` hides from the client, with the request id that the client
 * got in `x-request-id`, so a user's report leads straight to the stack.
 */
export function errorLoggingPlugin(log: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (classifyError(error).kind !== 'internal') continue;
            log.log('error', 'graphql request failed unexpectedly', {
              requestId: contextValue.requestId,
              operationName,
              path: error.path,
              error: error.originalError ?? error,
            });
          }
        },
      };
    },
  };
}
