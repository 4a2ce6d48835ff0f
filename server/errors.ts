/**
 * Operating errors: expected failures with a stable code that clients may branch on. They are
 * mapped to GraphQL `extensions.code` (and HTTP statuses) at one boundary, `graphql/formatError.ts`
 * and the webhook route. Programmer errors are plain `Error`s (or failed assertions) and surface as a
 * generic internal error.
 */
export const errorCodes = {
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  badUserInput: 'BAD_USER_INPUT',
  notFound: 'NOT_FOUND',
  insufficientCredits: 'INSUFFICIENT_CREDITS',
  idempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  /** A capture or release of a hold that is captured, released or expired (`status` in the details). */
  holdNotActive: 'HOLD_NOT_ACTIVE',
  stripeUnavailable: 'STRIPE_UNAVAILABLE',
  /** Auto top-up turned on without a saved card. */
  paymentMethodRequired: 'PAYMENT_METHOD_REQUIRED',
  /** Too many requests of a kind (rate limits) or Stripe calls in one request; `retryAfterSeconds` says when to try again. */
  rateLimited: 'RATE_LIMITED',
} as const;

export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

export class TopupError extends Error {
  readonly code: ErrorCode;
  /** Safe, structured details for the client (never SQL text or a stack). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'TopupError';
    this.code = code;
    this.details = details;
  }
}

export function isTopupError(error: unknown): error is TopupError {
  return error instanceof TopupError;
}

/** Crash loudly on a broken invariant: this is a bug, never a user's mistake. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
