import { StripeApiError } from './stripeApiError.ts';

export type FaultStatusCode = 500 | 429 | 503;
export const faultStatusCodes: readonly FaultStatusCode[] = [500, 429, 503];

export interface FaultRule {
  statusCode: FaultStatusCode;
  remainingCount: number;
  /** Only API paths starting with this prefix fail; null means every API path. */
  pathPrefix: string | null;
}

/** A bound on queued rules so a runaway test cannot grow the list forever. */
const rulesMax = 100;

/**
 * The test knob behind `POST /sandbox/faults`: the next N API requests (optionally only those
 * under a path prefix) fail with Stripe's error for that status, so the server's retry and
 * "Stripe unavailable" paths can be exercised. Rules are runtime only, never persisted.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    if (this.rules.length >= rulesMax) this.rules.shift();
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** The error the request at `path` must fail with, consuming one use of a rule; or null. */
  take(path: string): StripeApiError | null {
    const rule = this.rules.find((candidate) => candidate.pathPrefix === null || path.startsWith(candidate.pathPrefix));
    if (rule === undefined) return null;
    rule.remainingCount -= 1;
    if (rule.remainingCount <= 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
    return faultError(rule.statusCode);
  }
}

function faultError(statusCode: FaultStatusCode): StripeApiError {
  switch (statusCode) {
    case 429:
      return new StripeApiError({
        statusCode,
        type: 'invalid_request_error',
        code: 'rate_limit',
        message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
      });
    case 500:
      return new StripeApiError({ statusCode, type: 'api_error', message: 'An unknown error occurred (injected by the Stripe sandbox).' });
    case 503:
      return new StripeApiError({
        statusCode,
        type: 'api_error',
        message: 'Stripe is temporarily unavailable (injected by the Stripe sandbox). Please try again later.',
      });
  }
}
