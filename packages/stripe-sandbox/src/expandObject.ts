import type { SandboxContext } from './sandboxContext.ts';
import { StripeApiError } from './stripeApiError.ts';

type JsonObject = { [key: string]: unknown };
type Expander = (context: SandboxContext, value: unknown, parent: JsonObject) => unknown;

/** Stripe refuses `expand` deeper than four levels and caps the number of paths. */
const expandDepthMax = 4;
const expandPathsMax = 20;

const lookUp =
  (kind: 'customers' | 'paymentIntents' | 'charges' | 'paymentMethods'): Expander =>
  (context, value) =>
    typeof value === 'string' ? (context.state[kind][value] ?? value) : value;

/** The expandable fields per object type, and how to fetch what they point to. */
const expanders: Record<string, Record<string, Expander>> = {
  'checkout.session': {
    customer: lookUp('customers'),
    payment_intent: lookUp('paymentIntents'),
    line_items: (context, _value, parent) => {
      const id = String(parent.id);
      const lineItems = context.state.checkoutSessions[id]?.lineItems ?? [];
      return { object: 'list', data: lineItems, has_more: false, url: `/v1/checkout/sessions/${id}/line_items` };
    },
  },
  payment_intent: { customer: lookUp('customers'), latest_charge: lookUp('charges'), payment_method: lookUp('paymentMethods') },
  payment_method: { customer: lookUp('customers') },
  charge: { customer: lookUp('customers'), payment_intent: lookUp('paymentIntents') },
  refund: { charge: lookUp('charges'), customer: lookUp('customers'), payment_intent: lookUp('paymentIntents') },
  dispute: { charge: lookUp('charges'), payment_intent: lookUp('paymentIntents') },
};

/**
 * Applies Stripe's `expand[]` to a response: each dotted path replaces an id by the object it
 * names (`payment_intent`, `payment_intent.latest_charge`), `line_items` adds the session's line
 * items, and on lists paths start with `data.`. Works on a copy; stored objects are untouched.
 *
 * Errors: `invalid_request_error` for a path that cannot be expanded or is too deep.
 */
export function expandObject(context: SandboxContext, object: unknown, paths: readonly string[]): unknown {
  if (paths.length === 0) return object;
  if (paths.length > expandPathsMax) {
    throw StripeApiError.invalidRequest(`You can expand at most ${expandPathsMax} properties.`, { param: 'expand' });
  }
  const copy: unknown = structuredClone(object);
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > expandDepthMax + (segments[0] === 'data' ? 1 : 0)) {
      throw StripeApiError.invalidRequest(`You cannot expand more than ${expandDepthMax} levels of a property. Property: ${path}`, {
        param: 'expand',
      });
    }
    expandPath(context, copy, segments, path);
  }
  return copy;
}

function expandPath(context: SandboxContext, target: unknown, segments: string[], path: string): void {
  if (!isJsonObject(target)) return;
  const [field, ...rest] = segments;
  if (field === undefined) return;
  if (target.object === 'list' && field === 'data' && Array.isArray(target.data)) {
    for (const item of target.data) expandPath(context, item, rest, path);
    return;
  }
  const expander = expanders[String(target.object)]?.[field];
  if (expander === undefined) {
    throw StripeApiError.invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' });
  }
  const current = target[field];
  if (!isJsonObject(current)) target[field] = structuredClone(expander(context, current, target));
  if (rest.length > 0) expandPath(context, target[field], rest, path);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
