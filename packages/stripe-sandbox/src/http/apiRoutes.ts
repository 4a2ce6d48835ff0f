import { expandObject } from '../expandObject.ts';
import { createCheckoutSession } from '../operations/createCheckoutSession.ts';
import { createCustomer } from '../operations/createCustomer.ts';
import { createRefund } from '../operations/createRefund.ts';
import { expireCheckoutSession, expireDueCheckoutSessions } from '../operations/expireCheckoutSession.ts';
import { findCheckoutSession } from '../operations/findCheckoutSession.ts';
import { findRecord } from '../operations/findRecord.ts';
import { paginateList } from '../paginateList.ts';
import type { EventCause } from '../recordEvent.ts';
import { rangeFilterMatches, type RequestParams } from '../requestParams.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import type { Route } from './matchRoute.ts';

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
  {
    method: 'POST',
    pattern: '/v1/customers',
    handle: ({ context, params }) => withExpansions(context, params, createCustomer(context, params)),
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id',
    handle: ({ context, params, id }) => retrieve(context, params, findRecord(context.state.customers, 'customer', id)),
  },
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions',
    handle: ({ context, params }) => withExpansions(context, params, createCheckoutSession(context, params)),
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions',
    handle: ({ context, params }) => {
      params.rejectUnknown([...listParameterNames, 'customer', 'customer_account', 'customer_details', 'payment_intent', 'payment_link', 'status', 'subscription']);
      expireDueCheckoutSessions(context);
      const status = params.optionalEnum('status', ['open', 'complete', 'expired'] as const);
      const customer = params.optionalString('customer');
      const paymentIntent = params.optionalString('payment_intent');
      const created = params.optionalRangeFilter('created');
      const list = paginateList({
        itemsNewestFirst: Object.values(context.state.checkoutSessions).map((stored) => stored.session).reverse(),
        matches: (session) =>
          (status === null || session.status === status) &&
          (customer === null || session.customer === customer) &&
          (paymentIntent === null || session.payment_intent === paymentIntent) &&
          rangeFilterMatches(created, session.created),
        params,
        url: '/v1/checkout/sessions',
        resourceName: 'checkout session',
      });
      return withExpansions(context, params, list);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id',
    handle: ({ context, params, id }) => retrieve(context, params, findCheckoutSession(context, id).session),
  },
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions/:id/expire',
    handle: ({ context, params, id, cause }) => {
      params.rejectUnknown(['expand']);
      const stored = findCheckoutSession(context, id);
      expireCheckoutSession(context, stored, cause);
      return withExpansions(context, params, stored.session);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id/line_items',
    handle: ({ context, params, id }) => {
      params.rejectUnknown(['ending_before', 'expand', 'limit', 'starting_after']);
      const stored = findCheckoutSession(context, id);
      const list = paginateList({
        // Line items keep the order they were given in, not newest first.
        itemsNewestFirst: stored.lineItems,
        matches: () => true,
        params,
        url: `/v1/checkout/sessions/${id}/line_items`,
        resourceName: 'line item',
      });
      return withExpansions(context, params, list);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    handle: ({ context, params, id }) => {
      params.rejectUnknown(['client_secret', 'expand']);
      return withExpansions(context, params, findRecord(context.state.paymentIntents, 'payment_intent', id));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id',
    handle: ({ context, params, id }) => retrieve(context, params, findRecord(context.state.charges, 'charge', id)),
  },
  {
    method: 'GET',
    pattern: '/v1/disputes/:id',
    handle: ({ context, params, id }) => retrieve(context, params, findRecord(context.state.disputes, 'dispute', id)),
  },
  {
    method: 'GET',
    pattern: '/v1/events/:id',
    handle: ({ context, params, id }) => retrieve(context, params, findRecord(context.state.events, 'event', id)),
  },
  {
    method: 'GET',
    pattern: '/v1/events',
    handle: ({ context, params }) => {
      params.rejectUnknown([...listParameterNames, 'delivery_success', 'type', 'types']);
      const type = params.optionalString('type', { lengthMax: 255 });
      const types = params.stringList('types', { countMax: eventTypesMax });
      if (type !== null && types.length > 0) {
        throw StripeApiError.invalidRequest('You may only specify one of these parameters: type, types.', { param: 'types' });
      }
      const created = params.optionalRangeFilter('created');
      const list = paginateList({
        itemsNewestFirst: Object.values(context.state.events).reverse(),
        matches: (event) =>
          (type === null || eventTypeMatches(type, event.type)) &&
          (types.length === 0 || types.includes(event.type)) &&
          rangeFilterMatches(created, event.created),
        params,
        url: '/v1/events',
        resourceName: 'event',
      });
      return withExpansions(context, params, list);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/refunds',
    handle: ({ context, params, cause }) => withExpansions(context, params, createRefund(context, params, cause)),
  },
  {
    method: 'GET',
    pattern: '/v1/refunds/:id',
    handle: ({ context, params, id }) => retrieve(context, params, findRecord(context.state.refunds, 'refund', id)),
  },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    handle: ({ context, params }) => {
      params.rejectUnknown([...listParameterNames, 'charge', 'payment_intent']);
      const charge = params.optionalString('charge');
      const paymentIntent = params.optionalString('payment_intent');
      const created = params.optionalRangeFilter('created');
      const list = paginateList({
        itemsNewestFirst: Object.values(context.state.refunds).reverse(),
        matches: (refund) =>
          (charge === null || refund.charge === charge) &&
          (paymentIntent === null || refund.payment_intent === paymentIntent) &&
          rangeFilterMatches(created, refund.created),
        params,
        url: '/v1/refunds',
        resourceName: 'refund',
      });
      return withExpansions(context, params, list);
    },
  },
];

/** A plain retrieve: only `expand` is accepted. */
function retrieve(context: SandboxContext, params: RequestParams, object: unknown): unknown {
  params.rejectUnknown(['expand']);
  return withExpansions(context, params, object);
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
