import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';

/**
 * The error codes of the API (`extensions.code`, see the contract), in the words a user reads.
 * A code that is not listed falls back to a generic sentence: a GraphQL code never reaches the screen.
 */
export const errorMessages = {
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: 'You do not have access to this.',
  BAD_USER_INPUT: 'Please check the values you entered.',
  NOT_FOUND: 'We could not find that.',
  INSUFFICIENT_CREDITS: 'Not enough credits',
  IDEMPOTENCY_CONFLICT: 'This request was already sent with different details. Start again to send it anew.',
  STRIPE_UNAVAILABLE: 'Payments are temporarily unavailable, try again in a minute',
  PAYMENT_METHOD_REQUIRED: 'Save a card first: buy credits once with "Save this card for automatic top-ups" ticked.',
} as const;

export type ErrorCode = keyof typeof errorMessages;

const networkMessage = 'We cannot reach the server. Check your connection and try again.';
const genericMessage = 'Something went wrong on our side. Please try again.';

/** The first `extensions.code` of a GraphQL error response, if any. */
export function errorCode(error: unknown): string | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  const code = error.errors.find((graphQLError) => typeof graphQLError.extensions?.code === 'string')?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * One sentence for any error Apollo Client or `fetch` reports. `BAD_USER_INPUT` keeps the server's
 * own message when it has one, because the server words it for the user ("between 50 and
 * 1,000,000 credits") and knows the bounds; every other code gets a fixed sentence.
 */
export function describeError(error: unknown): string {
  if (!error) return genericMessage;
  const code = errorCode(error);
  if (code === 'BAD_USER_INPUT' && CombinedGraphQLErrors.is(error)) {
    const serverMessage = error.errors[0]?.message?.trim();
    return serverMessage && serverMessage.length <= 200 ? serverMessage : errorMessages.BAD_USER_INPUT;
  }
  if (code && code in errorMessages) return errorMessages[code as ErrorCode];
  if (CombinedGraphQLErrors.is(error)) return genericMessage;
  if (ServerError.is(error)) {
    if (error.statusCode === 401) return errorMessages.UNAUTHENTICATED;
    if (error.statusCode === 403) return errorMessages.FORBIDDEN;
    return error.statusCode >= 500 ? genericMessage : networkMessage;
  }
  if (ServerParseError.is(error)) return genericMessage;
  if (error instanceof TypeError) return networkMessage;
  return genericMessage;
}
