import type { GraphQLFormattedError } from 'graphql';
import { classifyError } from './classifyError.ts';

/**
 * The one boundary where errors become what clients see (Apollo's `formatError`):
 * - domain errors carry their contract code in `extensions.code`, with their safe details;
 * - GraphQL's and Apollo's own client errors keep their codes and messages;
 * - everything else becomes `INTERNAL_SERVER_ERROR` "Internal server error": no message, stack or
 *   SQL of an unexpected error ever reaches a client (`errorLoggingPlugin` logs it instead).
 */
export function formatError(formattedError: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const errorClass = classifyError(error);
  const location = {
    ...(formattedError.locations !== undefined ? { locations: formattedError.locations } : {}),
    ...(formattedError.path !== undefined ? { path: formattedError.path } : {}),
  };
  if (errorClass.kind === 'domain') {
    return {
      message: formattedError.message,
      ...location,
      extensions: { ...errorClass.error.details, code: errorClass.error.code },
    };
  }
  // Apollo fills INTERNAL_SERVER_ERROR into an error it raised without a code; the class knows better.
  if (errorClass.kind === 'client') return { ...formattedError, extensions: { ...formattedError.extensions, code: errorClass.code } };
  return { message: 'Internal server error', ...location, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
