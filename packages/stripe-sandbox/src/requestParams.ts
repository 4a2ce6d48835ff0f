import type { FormObject, FormValue } from './parseFormBody.ts';
import { StripeApiError } from './stripeApiError.ts';

/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
const metadataKeyCountMax = 50;
const metadataKeyLengthMax = 40;
const metadataValueLengthMax = 500;
/** Stripe's default length limit for free-text string parameters. */
const stringLengthMaxDefault = 5000;

export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/**
 * Typed, validating reads of form parameters. Every failed read throws Stripe's
 * `invalid_request_error` naming the parameter the way Stripe does (`line_items[0][quantity]`),
 * so handlers read top-down without checking types themselves.
 */
export class RequestParams {
  private readonly values: FormObject;
  private readonly prefix: string;

  constructor(values: FormObject, prefix = '') {
    this.values = values;
    this.prefix = prefix;
  }

  /** The full name of a parameter, as Stripe reports it in `error.param`. */
  parameterName(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}[${name}]`;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.values, name);
  }

  /** The parameters as parsed, for hashing and logging. */
  raw(): FormObject {
    return this.values;
  }

  /** Stripe refuses parameters it does not know; this catches typos in the caller. */
  rejectUnknown(allowedNames: readonly string[]): void {
    for (const name of Object.keys(this.values)) {
      if (!allowedNames.includes(name)) {
        throw StripeApiError.invalidRequest(`Received unknown parameter: ${this.parameterName(name)}`, {
          param: this.parameterName(name),
          code: 'parameter_unknown',
        });
      }
    }
  }

  /** A string, or null when absent or empty (Stripe treats `name=` as "unset"). */
  optionalString(name: string, options: { lengthMax?: number } = {}): string | null {
    const value = this.values[name];
    if (value === undefined || value === '') return null;
    if (typeof value !== 'string') {
      throw StripeApiError.invalidRequest(`Invalid string: ${describe(value)}`, { param: this.parameterName(name) });
    }
    const lengthMax = options.lengthMax ?? stringLengthMaxDefault;
    if (value.length > lengthMax) {
      throw StripeApiError.invalidRequest(`Invalid string: ${value.slice(0, 20)}...; must be at most ${lengthMax} characters`, {
        param: this.parameterName(name),
      });
    }
    return value;
  }

  requiredString(name: string, options: { lengthMax?: number } = {}): string {
    const value = this.optionalString(name, options);
    if (value === null) throw StripeApiError.missingParameter(this.parameterName(name));
    return value;
  }

  /** One of the listed values, or null when absent. */
  optionalEnum<T extends string>(name: string, allowed: readonly T[]): T | null {
    const value = this.optionalString(name);
    if (value === null) return null;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) {
      throw StripeApiError.invalidRequest(`Invalid ${name}: must be one of ${allowed.join(', ')}`, {
        param: this.parameterName(name),
      });
    }
    return match;
  }

  /** `true` or `false` as Stripe's form bodies spell them, or null when absent. */
  optionalBoolean(name: string): boolean | null {
    const value = this.optionalString(name, { lengthMax: 5 });
    if (value === null) return null;
    if (value !== 'true' && value !== 'false') {
      throw StripeApiError.invalidRequest(`Invalid boolean: ${value}`, { param: this.parameterName(name) });
    }
    return value === 'true';
  }

  /** A base-10 integer within bounds, or null when absent. Stripe refuses `1.5` and `1e3`. */
  optionalInteger(name: string, bounds: { min?: number; max?: number } = {}): number | null {
    const text = this.optionalString(name, { lengthMax: 20 });
    if (text === null) return null;
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw StripeApiError.invalidRequest(`Invalid integer: ${text}`, { param: this.parameterName(name) });
    }
    const value = Number(text);
    if (bounds.min !== undefined && value < bounds.min) {
      throw StripeApiError.invalidRequest(`This value must be greater than or equal to ${bounds.min}.`, {
        param: this.parameterName(name),
      });
    }
    if (bounds.max !== undefined && value > bounds.max) {
      throw StripeApiError.invalidRequest(`This value must be less than or equal to ${bounds.max}.`, {
        param: this.parameterName(name),
      });
    }
    return value;
  }

  requiredInteger(name: string, bounds: { min?: number; max?: number } = {}): number {
    const value = this.optionalInteger(name, bounds);
    if (value === null) throw StripeApiError.missingParameter(this.parameterName(name));
    return value;
  }

  /** A nested hash such as `price_data`, or null when absent. */
  optionalObject(name: string): RequestParams | null {
    const value = this.values[name];
    if (value === undefined || value === '') return null;
    if (typeof value === 'string' || Array.isArray(value)) {
      throw StripeApiError.invalidRequest(`Invalid object`, { param: this.parameterName(name) });
    }
    return new RequestParams(value, this.parameterName(name));
  }

  requiredObject(name: string): RequestParams {
    const value = this.optionalObject(name);
    if (value === null) throw StripeApiError.missingParameter(this.parameterName(name));
    return value;
  }

  /** A list of hashes such as `line_items`, sent as `name[0][...]` by the SDK or `name[][...]`. */
  objectList(name: string, options: { countMax: number }): RequestParams[] {
    return this.listValues(name, options.countMax).map((entry, index) => {
      const entryName = `${this.parameterName(name)}[${index}]`;
      if (typeof entry === 'string' || Array.isArray(entry)) {
        throw StripeApiError.invalidRequest(`Invalid object`, { param: entryName });
      }
      return new RequestParams(entry, entryName);
    });
  }

  /** A list of strings such as `expand` or `types`. */
  stringList(name: string, options: { countMax: number }): string[] {
    return this.listValues(name, options.countMax).map((entry, index) => {
      if (typeof entry !== 'string') {
        throw StripeApiError.invalidRequest(`Invalid string: ${describe(entry)}`, {
          param: `${this.parameterName(name)}[${index}]`,
        });
      }
      return entry;
    });
  }

  /** Stripe metadata: a flat string-to-string hash within Stripe's limits; null when absent. */
  optionalMetadata(name: string): Record<string, string> | null {
    const value = this.values[name];
    if (value === undefined) return null;
    const param = this.parameterName(name);
    // `metadata=` (empty) is how Stripe callers clear metadata.
    if (value === '') return {};
    if (typeof value === 'string' || Array.isArray(value)) {
      throw StripeApiError.invalidRequest('Invalid hash', { param });
    }
    const entries = Object.entries(value);
    if (entries.length > metadataKeyCountMax) {
      throw StripeApiError.invalidRequest(`Metadata can have at most ${metadataKeyCountMax} keys.`, { param });
    }
    const metadata: Record<string, string> = {};
    for (const [key, entry] of entries) {
      if (typeof entry !== 'string') {
        throw StripeApiError.invalidRequest(`Metadata values must be strings.`, { param: `${param}[${key}]` });
      }
      if (key.length > metadataKeyLengthMax) {
        throw StripeApiError.invalidRequest(
          `Metadata keys can have up to ${metadataKeyLengthMax} characters; "${key}" has ${key.length}.`,
          { param: `${param}[${key}]` },
        );
      }
      if (entry.length > metadataValueLengthMax) {
        throw StripeApiError.invalidRequest(
          `Metadata values can have up to ${metadataValueLengthMax} characters, but you passed in a value that is ${entry.length} characters.`,
          { param: `${param}[${key}]` },
        );
      }
      metadata[key] = entry;
    }
    return metadata;
  }

  /** `created=123` or `created[gte]=...&created[lte]=...`; null when absent. */
  optionalRangeFilter(name: string): RangeFilter | null {
    const value = this.values[name];
    if (value === undefined || value === '') return null;
    if (typeof value === 'string') {
      const exact = this.requiredInteger(name);
      return { gte: exact, lte: exact };
    }
    const nested = this.requiredObject(name);
    nested.rejectUnknown(['gt', 'gte', 'lt', 'lte']);
    const filter: RangeFilter = {};
    for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
      const boundValue = nested.optionalInteger(bound);
      if (boundValue !== null) filter[bound] = boundValue;
    }
    return filter;
  }

  private listValues(name: string, countMax: number): FormValue[] {
    const value = this.values[name];
    if (value === undefined || value === '') return [];
    const param = this.parameterName(name);
    let list: FormValue[];
    if (typeof value === 'string') {
      list = [value];
    } else if (Array.isArray(value)) {
      list = value;
    } else {
      const indexes = Object.keys(value);
      if (!indexes.every((index) => /^\d+$/.test(index))) {
        throw StripeApiError.invalidRequest('Invalid array', { param });
      }
      list = indexes
        .sort((left, right) => Number(left) - Number(right))
        .map((index) => value[index])
        .filter((entry): entry is FormValue => entry !== undefined);
    }
    if (list.length > countMax) {
      throw StripeApiError.invalidRequest(`You can pass at most ${countMax} values for ${param}.`, { param });
    }
    return list;
  }
}

export function rangeFilterMatches(filter: RangeFilter | null, value: number): boolean {
  if (filter === null) return true;
  if (filter.gt !== undefined && !(value > filter.gt)) return false;
  if (filter.gte !== undefined && !(value >= filter.gte)) return false;
  if (filter.lt !== undefined && !(value < filter.lt)) return false;
  if (filter.lte !== undefined && !(value <= filter.lte)) return false;
  return true;
}

function describe(value: FormValue): string {
  return JSON.stringify(value).slice(0, 60);
}
