import { StripeApiError } from './stripeApiError.ts';

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** Bounds that keep a hostile or buggy body from building a huge or deep object. */
const pairCountMax = 1000;
const depthMax = 8;
const keyLengthMax = 500;

/**
 * Parses Stripe's form encoding, in a body or a query string, into nested objects:
 * `metadata[type]=x` gives `{metadata: {type: 'x'}}`, `expand[]=a` appends to an array, and the
 * SDK's indexed `line_items[0][quantity]=1` gives an object keyed `'0'` (readers accept both
 * shapes as a list, see RequestParams).
 *
 * Errors: `invalid_request_error` for too many parameters, too deep nesting, or a name used both
 * as a value and as a container.
 */
export function parseFormBody(text: string): FormObject {
  const root: FormObject = {};
  let pairCount = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    pairCount += 1;
    if (pairCount > pairCountMax) {
      throw StripeApiError.invalidRequest(`Too many parameters: at most ${pairCountMax} are accepted.`);
    }
    assignPair(root, name, value);
  }
  return root;
}

function assignPair(root: FormObject, name: string, value: string): void {
  if (name.length > keyLengthMax) {
    throw StripeApiError.invalidRequest(`Parameter name too long: ${name.slice(0, 40)}...`);
  }
  const segments = splitName(name);
  let container: FormObject | FormValue[] = root;
  for (const [index, segment] of segments.entries()) {
    const isLast = index === segments.length - 1;
    if (isLast) {
      setChild(container, segment, value, name);
      return;
    }
    const nextIsAppend = segments[index + 1] === '';
    const existing = getChild(container, segment);
    if (existing === undefined) {
      const created: FormObject | FormValue[] = nextIsAppend ? [] : {};
      setChild(container, segment, created, name);
      container = created;
    } else if (typeof existing === 'string') {
      throw StripeApiError.invalidRequest(`Invalid parameter ${name}: ${segments.slice(0, index + 1).join('.')} is not an object.`, { param: name });
    } else {
      container = existing;
    }
  }
}

/** `a[b][]` -> `['a', 'b', '']`; an empty segment means "append". */
function splitName(name: string): string[] {
  const bracketStart = name.indexOf('[');
  if (bracketStart <= 0) return [name];
  const segments = [name.slice(0, bracketStart)];
  const pattern = /\[([^\]]*)\]/g;
  pattern.lastIndex = bracketStart;
  let match: RegExpExecArray | null;
  let consumedUpTo = bracketStart;
  while ((match = pattern.exec(name)) !== null && match.index === consumedUpTo) {
    segments.push(match[1] ?? '');
    consumedUpTo = pattern.lastIndex;
  }
  if (consumedUpTo !== name.length) {
    throw StripeApiError.invalidRequest(`Invalid parameter name: ${name}`, { param: name });
  }
  if (segments.length > depthMax) {
    throw StripeApiError.invalidRequest(`Parameter nested too deeply: ${name}`, { param: name });
  }
  for (const segment of segments) {
    if (segment === '__proto__') throw StripeApiError.invalidRequest(`Invalid parameter name: ${name}`, { param: name });
  }
  return segments;
}

function getChild(container: FormObject | FormValue[], segment: string): FormValue | undefined {
  if (Array.isArray(container)) {
    return segment === '' ? undefined : container[Number(segment)];
  }
  return Object.hasOwn(container, segment) ? container[segment] : undefined;
}

function setChild(container: FormObject | FormValue[], segment: string, value: FormValue, name: string): void {
  if (Array.isArray(container)) {
    if (segment !== '') {
      throw StripeApiError.invalidRequest(`Invalid parameter ${name}: mixes [] and named keys.`, { param: name });
    }
    container.push(value);
    return;
  }
  if (segment === '') {
    throw StripeApiError.invalidRequest(`Invalid parameter ${name}: mixes [] and named keys.`, { param: name });
  }
  container[segment] = value;
}
