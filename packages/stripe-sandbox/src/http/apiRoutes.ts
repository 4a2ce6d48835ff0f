import { expandObject } from '../expandObject.ts';
import { createCheckoutSession } from '../operations/createCheckoutSession.ts';
import { createCustomer } from '../operations/createCustomer.ts';
import { createPaymentIntent } from '../operations/createPaymentIntent.ts';
import { createRefund } from '../operations/createRefund.ts';
import { expireCheckoutSession, expireDueCheckoutSessions } from '../operations/expireCheckoutSession.ts';
import { findCheckoutSession } from '../operations/findCheckoutSession.ts';
import { findRecord } from '../operations/findRecord.ts';
import { paginateList, type PaginateListOptions } from '../paginateList.ts';
import type { EventCause } from '../recordEvent.ts';
import { rangeFilterMatches, type RequestParams } from '../requestParams.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { route, type Route } from './matchRoute.ts';

export interface ApiRequest {
  context: SandboxContext;
  params: RequestParams;
  /** The `:id` path segment, '' for routes without one. */
  id: string;
  /** The request id and idempotency key, recorded on the events this request causes. */
  cause: EventCause;
}

export interface ApiRoute extends Route {
  handle(request: ApiRequest): unknown;
}

/** Stripe allows `expand` with up to 20 paths on every endpoint. */
const expandCountMax = 20;
/** Stripe's `types[]` filter of `GET /v1/events` takes at most 20 types. */
const eventTypesMax = 20;
const listParameterNames = ['created', 'ending_before', 'expand', 'limit', 'starting_after'] as const;

/**
 * The part of Stripe's API v1 the sandbox serves. Each handler returns the response object;
 * errors are thrown as StripeApiError. Handlers run synchronously on the in-memory state, so
 * two requests never interleave inside one.
 */
export const apiRoutes: readonly ApiRoute[] = [
  route('POST', '/v1/customers', ({ context, params }) => withExpansions(context, params, createCustomer(context, params))),
  route('GET', '/v1/customers/:id', ({ context, params, id }) => retrieve(context, params, findRecord(context.state.customers, 'customer', id))),
  route('POST', '/v1/checkout/sessions', ({ context, params }) => withExpansions(context, params, createCheckoutSession(context, params))),
  route('GET', '/v1/checkout/sessions', ({ context, params }) => {
    params.rejectUnknown([...listParameterNames, 'customer', 'customer_account', 'customer_details', 'payment_intent', 'payment_link', 'status', 'subscription']);
    expireDueCheckoutSessions(context);
    const status = params.optionalEnum('status', ['open', 'complete', 'expired'] as const);
    const customer = params.optionalString('customer');
    const paymentIntent = params.optionalString('payment_intent');
    const created = params.optionalRangeFilter('created');
    return listPage(context, params, {
      itemsNewestFirst: Object.values(context.state.checkoutSessions).map((stored) => stored.session).reverse(),
      matches: (session) =>
        (status === null || session.status === status) &&
        (customer === null || session.customer === customer) &&
        (paymentIntent === null || session.payment_intent === paymentIntent) &&
        rangeFilterMatches(created, session.created),
      url: '/v1/checkout/sessions',
      resourceName: 'checkout session',
    });
  }),
  route('GET', '/v1/checkout/sessions/:id', ({ context, params, id }) => retrieve(context, params, findCheckoutSession(context, id).session)),
  route('POST', '/v1/checkout/sessions/:id/expire', ({ context, params, id, cause }) => {
    params.rejectUnknown(['expand']);
    const stored = findCheckoutSession(context, id);
    expireCheckoutSession(context, stored, cause);
    return withExpansions(context, params, stored.session);
  }),
  route('GET', '/v1/checkout/sessions/:id/line_items', ({ context, params, id }) => {
    params.rejectUnknown(['ending_before', 'expand', 'limit', 'starting_after']);
    const stored = findCheckoutSession(context, id);
    return listPage(context, params, {
      // Line items keep the order they were given in, not newest first.
      itemsNewestFirst: stored.lineItems,
      matches: () => true,
      url: `/v1/checkout/sessions/${id}/line_items`,
      resourceName: 'line item',
    });
  }),
  route('POST', '/v1/payment_intents', ({ context, params, cause }) => withExpansions(context, params, createPaymentIntent(context, params, cause))),
  route('GET', '/v1/payment_intents', ({ context, params }) => {
    params.rejectUnknown([...listParameterNames, 'customer', 'customer_account']);
    const customer = params.optionalString('customer');
    const created = params.optionalRangeFilter('created');
    return listPage(context, params, {
      itemsNewestFirst: Object.values(context.state.paymentIntents).reverse(),
      matches: (paymentIntent) => (customer === null || paymentIntent.customer === customer) && rangeFilterMatches(created, paymentIntent.created),
      url: '/v1/payment_intents',
      resourceName: 'payment intent',
    });
  }),
  route('GET', '/v1/payment_methods/:id', ({ context, params, id }) => retrieve(context, params, findRecord(context.state.paymentMethods, 'PaymentMethod', id))),
  route('POST', '/v1/payment_methods/:id/detach', ({ context, params, id }) => {
    params.rejectUnknown(['expand']);
    const paymentMethod = findRecord(context.state.paymentMethods, 'PaymentMethod', id);
    if (paymentMethod.customer === null) {
      throw StripeApiError.invalidRequest(`The payment method you provided is not attached to a customer so detachment is impossible.`, { code: 'payment_method_unexpected_state' });
    }
    paymentMethod.customer = null;
    context.markChanged();
    return withExpansions(context, params, paymentMethod);
  }),
  route('GET', '/v1/payment_intents/:id', ({ context, params, id }) => {
    params.rejectUnknown(['client_secret', 'expand']);
    return withExpansions(context, params, findRecord(context.state.paymentIntents, 'payment_intent', id));
  }),
  route('GET', '/v1/charges/:id', ({ context, params, id }) => retrieve(context, params, findRecord(context.state.charges, 'charge', id))),
  route('GET', '/v1/disputes/:id', ({ context, params, id }) => retrieve(context, params, findRecord(context.state.disputes, 'dispute', id))),
  route('GET', '/v1/events/:id', ({ context, params, id }) => retrieve(context, params, findRecord(context.state.events, 'event', id))),
  route('GET', '/v1/events', ({ context, params }) => {
    params.rejectUnknown([...listParameterNames, 'delivery_success', 'type', 'types']);
    const type = params.optionalString('type', { lengthMax: 255 });
    const types = params.stringList('types', { countMax: eventTypesMax });
    if (type !== null && types.length > 0) {
      throw StripeApiError.invalidRequest('You may only specify one of these parameters: type, types.', { param: 'types' });
    }
    const created = params.optionalRangeFilter('created');
    return listPage(context, params, {
      itemsNewestFirst: Object.values(context.state.events).reverse(),
      matches: (event) =>
        (type === null || eventTypeMatches(type, event.type)) &&
        (types.length === 0 || types.includes(event.type)) &&
        rangeFilterMatches(created, event.created),
      url: '/v1/events',
      resourceName: 'event',
    });
  }),
  route('POST', '/v1/refunds', ({ context, params, cause }) => withExpansions(context, params, createRefund(context, params, cause))),
  route('GET', '/v1/refunds/:id', ({ context, params, id }) => retrieve(context, params, findRecord(context.state.refunds, 'refund', id))),
  route('GET', '/v1/refunds', ({ context, params }) => {
    params.rejectUnknown([...listParameterNames, 'charge', 'payment_intent']);
    const charge = params.optionalString('charge');
    const paymentIntent = params.optionalString('payment_intent');
    const created = params.optionalRangeFilter('created');
    return listPage(context, params, {
      itemsNewestFirst: Object.values(context.state.refunds).reverse(),
      matches: (refund) =>
        (charge === null || refund.charge === charge) &&
        (paymentIntent === null || refund.payment_intent === paymentIntent) &&
        rangeFilterMatches(created, refund.created),
      url: '/v1/refunds',
      resourceName: 'refund',
    });
  }),
];

/** A plain retrieve: only `expand` is accepted. */
function retrieve(context: SandboxContext, params: RequestParams, object: unknown): unknown {
  params.rejectUnknown(['expand']);
  return withExpansions(context, params, object);
}

/** One page of a list endpoint's matching items (`paginateList`), with the request's expansions. */
function listPage<Item extends { id: string }>(context: SandboxContext, params: RequestParams, list: Omit<PaginateListOptions<Item>, 'params'>): unknown {
  return withExpansions(context, params, paginateList({ ...list, params }));
}

function withExpansions(context: SandboxContext, params: RequestParams, object: unknown): unknown {
  return expandObject(context, object, params.stringList('expand', { countMax: expandCountMax }));
}

/** Stripe's `type` filter accepts one `*` wildcard, as in `checkout.session.*`. */
function eventTypeMatches(filter: string, eventType: string): boolean {
  if (!filter.includes('*')) return filter === eventType;
  const [prefix = '', suffix = ''] = filter.split('*', 2);
  return eventType.startsWith(prefix) && eventType.endsWith(suffix) && eventType.length >= prefix.length + suffix.length;
}
