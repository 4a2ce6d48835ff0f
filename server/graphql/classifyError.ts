import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { errorCodes, isTopupError, type TopupError } from '../errors.ts';

/**
 * What an error in a GraphQL response is, decided in one place for the response (`formatError`),
 * the logs and the metrics:
 * - `domain`: a `TopupError` (thrown by the ledger, the auth layer or a scalar), shown as is;
 * - `client`: a request the client got wrong, as GraphQL or Apollo reported it (parse, validation,
 *   bad request), shown as is;
 * - `internal`: anything else (a bug, a lost connection, SQL text): logged, and hidden.
 */
export type ErrorClass = { kind: 'domain'; error: TopupError } | { kind: 'client'; code: string } | { kind: 'internal' };

const clientCodes = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.BAD_REQUEST,
  ...Object.values(errorCodes),
]);

/** GraphQL wraps what resolvers and scalars throw; this many layers is more than it ever adds. */
const wrappingDepthMax = 5;

export function classifyError(error: unknown): ErrorClass {
  const original = unwrap(error);
  if (isTopupError(original)) return { kind: 'domain', error: original };
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  if (typeof code === 'string' && clientCodes.has(code)) return { kind: 'client', code };
  // Apollo answers some bad requests (a persisted query whose hash does not match its text) with an
  // HTTP 4xx and no code: they are the client's, not ours.
  const status = error instanceof GraphQLError ? (error.extensions.http as { status?: number } | undefined)?.status : undefined;
  if (code === undefined && status !== undefined && status >= 400 && status < 500) return { kind: 'client', code: ApolloServerErrorCode.BAD_REQUEST };
  return { kind: 'internal' };
}

function unwrap(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < wrappingDepthMax; depth += 1) {
    if (!(current instanceof GraphQLError) || current.originalError === undefined) return current;
    current = current.originalError;
  }
  return current;
}
