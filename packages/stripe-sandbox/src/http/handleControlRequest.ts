import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultStatusCodes, type FaultInjector } from '../faultInjector.ts';
import { expireCheckoutSession } from '../operations/expireCheckoutSession.ts';
import { findCheckoutSession } from '../operations/findCheckoutSession.ts';
import { findRecord } from '../operations/findRecord.ts';
import { payCheckoutSession, paymentOutcomes } from '../operations/payCheckoutSession.ts';
import { setDisputeStatus, disputeStatusChanges } from '../operations/setDisputeStatus.ts';
import { asyncPaymentResults, settleAsyncPayment } from '../operations/settleAsyncPayment.ts';
import { paginateList } from '../paginateList.ts';
import { parseFormBody } from '../parseFormBody.ts';
import { automaticEventCause } from '../recordEvent.ts';
import { RequestParams } from '../requestParams.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { cardBehaviors } from '../sandboxState.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { matchRoute, route, type Route } from './matchRoute.ts';
import { readRequestBody } from './readRequestBody.ts';
import { sendJson } from './sendResponse.ts';

/** Control bodies are a few small JSON fields. */
const requestBodyBytesMax = 16 * 1024;
const faultCountMax = 1000;

export interface ControlDependencies {
  context: SandboxContext;
  faults: FaultInjector;
}

interface ControlRequest {
  context: SandboxContext;
  faults: FaultInjector;
  body: JsonBody;
  query: RequestParams;
  id: string;
}

interface ControlRoute extends Route {
  handle(request: ControlRequest): { statusCode: number; body: unknown };
}

const ok = (body: unknown): { statusCode: number; body: unknown } => ({ statusCode: 200, body });

/**
 * The sandbox's own endpoints for tests and scripts (docs/reference/http.md, "Stripe sandbox"): they act
 * as the customer, the bank or the card network would, and expose what the sandbox delivered.
 * Each returns the resulting object as JSON; errors use Stripe's error format.
 */
const controlRoutes: readonly ControlRoute[] = [
  route('POST', '/sandbox/checkout/sessions/:id/pay', ({ context, body, id }) => {
    const presentmentCurrency = body.optionalString('presentmentCurrency');
    const fxRate = body.optionalString('fxRate');
    if ((presentmentCurrency === null) !== (fxRate === null)) {
      throw StripeApiError.invalidRequest('presentmentCurrency and fxRate go together', { param: presentmentCurrency === null ? 'presentmentCurrency' : 'fxRate' });
    }
    const result = payCheckoutSession(context, {
      sessionId: id,
      outcome: body.requiredEnum('outcome', paymentOutcomes),
      saveCard: body.optionalBoolean('saveCard') ?? false,
      conversion:
        presentmentCurrency === null || fxRate === null ? null : { presentmentCurrency: presentmentCurrency.slice(0, 8).toLowerCase(), fxRate: fxRate.slice(0, 40) },
    });
    if (result.outcome === 'declined') return { statusCode: result.error.statusCode, body: result.error.toResponseBody() };
    return ok(result.session);
  }),
  route('POST', '/sandbox/checkout/sessions/:id/async', ({ context, body, id }) => ok(settleAsyncPayment(context, { sessionId: id, result: body.requiredEnum('result', asyncPaymentResults) }))),
  route('POST', '/sandbox/checkout/sessions/:id/expire', ({ context, id }) => {
    const stored = findCheckoutSession(context, id);
    expireCheckoutSession(context, stored, automaticEventCause);
    return ok(stored.session);
  }),
  route('POST', '/sandbox/payment_intents/:id/dispute', ({ context, body, id }) => ok(setDisputeStatus(context, { paymentIntentId: id, status: body.requiredEnum('status', disputeStatusChanges) }))),
  route('POST', '/sandbox/customers/:id/card', ({ context, body, id }) => {
    const customer = findRecord(context.state.customers, 'customer', id);
    context.state.cardBehaviors[customer.id] = body.requiredEnum('behavior', cardBehaviors);
    context.markChanged();
    return ok({ customer: customer.id, behavior: context.state.cardBehaviors[customer.id] });
  }),
  route('POST', '/sandbox/events/:id/resend', ({ context, id }) => {
    const event = findRecord(context.state.events, 'event', id);
    context.deliveryQueue.enqueue({ eventId: event.id, eventType: event.type, orderingKey: `resend:${event.id}` });
    return ok(event);
  }),
  route('POST', '/sandbox/faults', ({ faults, body }) => {
    faults.add({
      statusCode: body.requiredEnum('status', faultStatusCodes),
      remainingCount: body.requiredInteger('count', { min: 1, max: faultCountMax }),
      pathPrefix: body.optionalString('paths'),
    });
    return ok({ object: 'list', data: faults.list() });
  }),
  route('POST', '/sandbox/faults/clear', ({ faults }) => {
    faults.clear();
    return ok({ object: 'list', data: faults.list() });
  }),
  route('GET', '/sandbox/faults', ({ faults }) => ok({ object: 'list', data: faults.list() })),
  route('GET', '/sandbox/deliveries', ({ context, query }) => {
    query.rejectUnknown(['ending_before', 'event', 'limit', 'starting_after', 'status']);
    const eventId = query.optionalString('event');
    const status = query.optionalEnum('status', ['pending', 'succeeded', 'failed'] as const);
    return ok(
      paginateList({
        itemsNewestFirst: Object.values(context.state.deliveries).reverse(),
        matches: (delivery) => (eventId === null || delivery.eventId === eventId) && (status === null || delivery.status === status),
        params: query,
        url: '/sandbox/deliveries',
        resourceName: 'delivery',
      }),
    );
  }),
];

export async function handleControlRequest(
  dependencies: ControlDependencies,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const method = request.method ?? 'GET';
  try {
    const match = matchRoute(controlRoutes, method, url.pathname);
    if (match === null) throw StripeApiError.unrecognizedUrl(method, url.pathname);
    const bodyText = method === 'POST' ? await readRequestBody(request, requestBodyBytesMax) : '';
    const result = match.route.handle({
      context: dependencies.context,
      faults: dependencies.faults,
      body: JsonBody.parse(bodyText),
      query: new RequestParams(parseFormBody(url.search.slice(1))),
      id: match.id,
    });
    sendJson(response, result.statusCode, result.body);
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    sendJson(response, error.statusCode, error.toResponseBody());
  }
}

/** Typed reads of a control request's JSON body, failing with Stripe-shaped 400s. */
class JsonBody {
  private readonly values: Record<string, unknown>;

  private constructor(values: Record<string, unknown>) {
    this.values = values;
  }

  static parse(text: string): JsonBody {
    if (text.trim() === '') return new JsonBody({});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw StripeApiError.invalidRequest('The request body must be a JSON object.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw StripeApiError.invalidRequest('The request body must be a JSON object.');
    }
    return new JsonBody(Object.fromEntries(Object.entries(parsed)));
  }

  requiredEnum<T extends string | number>(name: string, allowed: readonly T[]): T {
    const value = this.values[name];
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) {
      throw StripeApiError.invalidRequest(`${name} must be one of ${allowed.map((candidate) => JSON.stringify(candidate)).join(', ')}.`, { param: name });
    }
    return match;
  }

  requiredInteger(name: string, bounds: { min: number; max: number }): number {
    const value = this.values[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
      throw StripeApiError.invalidRequest(`${name} must be an integer from ${bounds.min} to ${bounds.max}.`, { param: name });
    }
    return value;
  }

  optionalBoolean(name: string): boolean | null {
    const value = this.values[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') throw StripeApiError.invalidRequest(`${name} must be true or false.`, { param: name });
    return value;
  }

  optionalString(name: string): string | null {
    const value = this.values[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw StripeApiError.invalidRequest(`${name} must be a string.`, { param: name });
    return value;
  }
}
