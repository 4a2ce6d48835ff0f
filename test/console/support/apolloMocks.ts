import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { MockLink } from '@apollo/client/testing';

interface MockOptions {
  /** Milliseconds before the answer; 0 unless given, so tests do not wait on a realistic delay. */
  delay?: number;
  /** How many requests this answer serves (default 1). */
  maxUsageCount?: number;
}

type Variables<TVariables> = TVariables | ((variables: TVariables) => boolean);

/**
 * A typed mock answer for one of the console's generated documents: the data must have the
 * generated result type, so a fixture cannot drift from the operation it stands for.
 */
export function mockResult<TData, TVariables extends Record<string, unknown>>(
  query: TypedDocumentNode<TData, TVariables>,
  variables: Variables<TVariables>,
  data: TData,
  options: MockOptions = {},
): MockLink.MockedResponse {
  return {
    request: { query, variables: variables as MockLink.MockedRequest['variables'] },
    result: { data: data as Record<string, unknown> },
    delay: options.delay ?? 0,
    ...(options.maxUsageCount ? { maxUsageCount: options.maxUsageCount } : {}),
  };
}

/** A GraphQL error answer carrying `extensions.code`, as the server formats operating errors. */
export function mockGraphQLError<TData, TVariables extends Record<string, unknown>>(
  query: TypedDocumentNode<TData, TVariables>,
  variables: Variables<TVariables>,
  code: string,
  message = `error ${code}`,
  options: MockOptions = {},
): MockLink.MockedResponse {
  return {
    request: { query, variables: variables as MockLink.MockedRequest['variables'] },
    result: { data: null, errors: [{ message, extensions: { code } }] },
    delay: options.delay ?? 0,
    ...(options.maxUsageCount ? { maxUsageCount: options.maxUsageCount } : {}),
  };
}

/** A transport failure (the server is unreachable). */
export function mockNetworkError<TData, TVariables extends Record<string, unknown>>(
  query: TypedDocumentNode<TData, TVariables>,
  variables: Variables<TVariables>,
  options: MockOptions = {},
): MockLink.MockedResponse {
  return {
    request: { query, variables: variables as MockLink.MockedRequest['variables'] },
    error: new TypeError('Failed to fetch'),
    delay: options.delay ?? 0,
    ...(options.maxUsageCount ? { maxUsageCount: options.maxUsageCount } : {}),
  };
}
