import { createHash } from 'node:crypto';
import type { FormObject } from './parseFormBody.ts';
import type { IdempotencyEntry, SandboxState } from './sandboxState.ts';
import { StripeApiError } from './stripeApiError.ts';

/** Stripe keeps idempotency keys for 24 hours. */
const keyLifetimeMilliseconds = 24 * 60 * 60 * 1000;
/** A bound on memory and state file size: past it, the oldest keys are forgotten early. */
const entriesMax = 10_000;
const keyLengthMax = 255;

/**
 * Stripe's idempotency for POST requests: the first response to a key is saved with a hash of
 * the parameters; the same key with the same parameters replays that response, the same key
 * with other parameters (or on another endpoint) is an `idempotency_error`.
 */
export class IdempotencyStore {
  private readonly state: SandboxState;
  private readonly now: () => number;

  constructor(options: { state: SandboxState; now: () => number }) {
    this.state = options.state;
    this.now = options.now;
  }

  /**
   * The saved response for this key, or null when the key is new (or older than 24 hours).
   *
   * Errors: 400 `idempotency_error` when the key was used with other parameters or another
   * endpoint; 400 `invalid_request_error` when the key is too long.
   */
  find(options: { key: string; method: string; path: string; parametersHash: string }): IdempotencyEntry | null {
    if (options.key.length > keyLengthMax) {
      throw StripeApiError.invalidRequest(`Idempotency-Key must be at most ${keyLengthMax} characters long.`, { param: 'Idempotency-Key' });
    }
    const entry = this.state.idempotencyEntries[options.key];
    if (entry === undefined || entry.createdAt + keyLifetimeMilliseconds <= this.now()) return null;
    if (entry.method !== options.method || entry.path !== options.path) {
      throw new StripeApiError({
        statusCode: 400,
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.method} ${entry.path}' vs '${options.method} ${options.path}'). Try using a key other than '${options.key}' if you meant to execute a different request.`,
      });
    }
    if (entry.parametersHash !== options.parametersHash) {
      throw new StripeApiError({
        statusCode: 400,
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${options.key}' if you meant to execute a different request.`,
      });
    }
    return entry;
  }

  save(entry: Omit<IdempotencyEntry, 'createdAt'>): void {
    const entries = this.state.idempotencyEntries;
    // Re-inserting keeps the record ordered oldest first, which pruning relies on.
    delete entries[entry.key];
    entries[entry.key] = { ...entry, createdAt: this.now() };
    this.prune();
  }

  private prune(): void {
    const entries = this.state.idempotencyEntries;
    const keys = Object.keys(entries);
    const oldestKeptAt = this.now() - keyLifetimeMilliseconds;
    let excess = keys.length - entriesMax;
    for (const key of keys) {
      const entry = entries[key];
      if (entry === undefined) continue;
      if (excess <= 0 && entry.createdAt > oldestKeptAt) break;
      delete entries[key];
      excess -= 1;
    }
  }
}

/** SHA-256 of the parameters with keys sorted, so parameter order does not matter. */
export function hashParameters(parameters: FormObject): string {
  return createHash('sha256').update(canonicalJson(parameters)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
