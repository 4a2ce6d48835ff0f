/** Codes the sandbox invents for its control endpoints; Stripe documents no page for them. */
const sandboxOnlyCodes: ReadonlySet<string> = new Set(['checkout_session_not_open', 'checkout_session_not_processing', 'dispute_already_closed']);

/** The `type` values of Stripe's error objects that the sandbox produces. */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeApiErrorOptions {
  statusCode: number;
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  declineCode?: string;
  /** Extra fields Stripe puts on some errors, e.g. `payment_intent` on card errors. */
  extra?: Record<string, unknown>;
  /** Sent as `Stripe-Should-Retry`, which the SDK obeys over its own status-based guess. */
  shouldRetry?: boolean;
}

/**
 * An operating error answered in Stripe's error format:
 * `{"error": {"type", "message", "code"?, "param"?, "doc_url"?}}` with Stripe's HTTP status, so
 * the SDK raises the same error class (StripeInvalidRequestError, StripeCardError, ...) it
 * would against Stripe.
 */
export class StripeApiError extends Error {
  readonly statusCode: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;
  readonly extra: Record<string, unknown>;
  readonly shouldRetry: boolean | undefined;

  constructor(options: StripeApiErrorOptions) {
    super(options.message);
    this.name = 'StripeApiError';
    this.statusCode = options.statusCode;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param;
    this.declineCode = options.declineCode;
    this.extra = options.extra ?? {};
    this.shouldRetry = options.shouldRetry;
  }

  /** The response body, field order as Stripe sends it. */
  toResponseBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = {};
    if (this.code !== undefined) error.code = this.code;
    if (this.declineCode !== undefined) error.decline_code = this.declineCode;
    if (this.code !== undefined && !sandboxOnlyCodes.has(this.code)) {
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replaceAll('_', '-')}`;
    }
    error.message = this.message;
    if (this.param !== undefined) error.param = this.param;
    Object.assign(error, this.extra);
    error.type = this.type;
    return { error };
  }

  /** A 400 `invalid_request_error`, the answer to almost every bad parameter. */
  static invalidRequest(message: string, options: { param?: string; code?: string } = {}): StripeApiError {
    return new StripeApiError({ statusCode: 400, type: 'invalid_request_error', message, ...options });
  }

  /** Stripe's 400 for a required parameter that is absent. */
  static missingParameter(param: string): StripeApiError {
    return StripeApiError.invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
  }

  /** Stripe's 404 for an id that names nothing: `No such customer: 'cus_123'`. */
  static resourceMissing(resourceName: string, id: string, param = 'id'): StripeApiError {
    return new StripeApiError({
      statusCode: 404,
      type: 'invalid_request_error',
      message: `No such ${resourceName}: '${id}'`,
      code: 'resource_missing',
      param,
    });
  }

  /** Stripe's 404 for a path it does not serve. */
  static unrecognizedUrl(method: string, path: string): StripeApiError {
    return new StripeApiError({
      statusCode: 404,
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    });
  }
}
