import type { IncomingMessage, ServerResponse } from 'node:http';
import { createId } from '../createId.ts';
import type { FaultInjector } from '../faultInjector.ts';
import { hashParameters, type IdempotencyStore } from '../idempotencyStore.ts';
import { parseFormBody } from '../parseFormBody.ts';
import { RequestParams } from '../requestParams.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { apiRoutes } from './apiRoutes.ts';
import { matchRoute } from './matchRoute.ts';
import { readRequestBody } from './readRequestBody.ts';
import { sendJson, sendText } from './sendResponse.ts';

/** Stripe's API bodies are small forms; this bound is generous for them. */
const requestBodyBytesMax = 256 * 1024;

export interface ApiDependencies {
  context: SandboxContext;
  apiKey: string;
  idempotencyStore: IdempotencyStore;
  faults: FaultInjector;
}

/**
 * Serves one `/v1/...` request the way Stripe's API does, in this order: API key (401), route
 * (404), injected fault, form parameters, idempotency (replay or `idempotency_error`), handler.
 * Every answer is JSON with a `Request-Id`, errors in Stripe's error format.
 */
export async function handleApiRequest(
  dependencies: ApiDependencies,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const requestId = createId('req_', 14);
  const method = request.method ?? 'GET';
  const idempotencyKey = method === 'POST' ? headerValue(request, 'idempotency-key') : null;
  const headers: Record<string, string> = {
    'Request-Id': requestId,
    'Stripe-Version': headerValue(request, 'stripe-version') ?? dependencies.context.apiVersion,
  };
  if (idempotencyKey !== null) headers['Idempotency-Key'] = idempotencyKey;
  try {
    checkApiKey(request, dependencies.apiKey);
    const match = matchRoute(apiRoutes, method, url.pathname);
    if (match === null) throw StripeApiError.unrecognizedUrl(method, url.pathname);
    const fault = dependencies.faults.take(url.pathname);
    if (fault !== null) throw fault;
    const bodyText = method === 'POST' ? await readRequestBody(request, requestBodyBytesMax) : url.search.slice(1);
    const parameters = parseFormBody(bodyText);
    const idempotency = idempotencyKey === null ? null : { key: idempotencyKey, method, path: url.pathname, parametersHash: hashParameters(parameters) };
    const saved = idempotency === null ? null : dependencies.idempotencyStore.find(idempotency);
    if (saved !== null) {
      sendText(response, saved.statusCode, saved.responseBody, {
        ...headers,
        'Content-Type': 'application/json',
        'Idempotent-Replayed': 'true',
        'Original-Request': saved.requestId,
      });
      return;
    }
    let body: unknown;
    try {
      body = match.route.handle({
        context: dependencies.context,
        params: new RequestParams(parameters),
        id: match.id,
        cause: { id: requestId, idempotency_key: idempotencyKey },
      });
    } catch (error) {
      // A card error happens after the endpoint ran (the payment intent exists and records the
      // failure): Stripe saves it under the key, and a retry gets the same 402, never a second charge.
      if (idempotency !== null && error instanceof StripeApiError && error.type === 'card_error') {
        dependencies.idempotencyStore.save({ ...idempotency, statusCode: error.statusCode, responseBody: JSON.stringify(error.toResponseBody(), null, 2), requestId });
        dependencies.context.markChanged();
      }
      throw error;
    }
    const responseBody = JSON.stringify(body, null, 2);
    // Stripe saves the result once the endpoint ran; validation errors thrown above are not saved.
    if (idempotency !== null) {
      dependencies.idempotencyStore.save({ ...idempotency, statusCode: 200, responseBody, requestId });
      dependencies.context.markChanged();
    }
    sendText(response, 200, responseBody, { ...headers, 'Content-Type': 'application/json' });
  } catch (error) {
    sendError(dependencies.context, response, error, headers);
  }
}

function sendError(context: SandboxContext, response: ServerResponse, error: unknown, headers: Record<string, string>): void {
  if (error instanceof StripeApiError) {
    const errorHeaders = { ...headers };
    if (error.shouldRetry !== undefined) errorHeaders['Stripe-Should-Retry'] = String(error.shouldRetry);
    if (error.statusCode === 413) errorHeaders.Connection = 'close';
    sendJson(response, error.statusCode, error.toResponseBody(), errorHeaders);
    return;
  }
  // A bug in the sandbox: say so loudly in the log, and answer like Stripe's own 500.
  context.log(`Stripe sandbox: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  sendJson(response, 500, { error: { message: 'An unknown error occurred in the Stripe sandbox.', type: 'api_error' } }, headers);
}

/**
 * Accepts the key as Bearer (what the SDK sends) or as the Basic user name (what curl -u sends).
 *
 * Errors: 401 `invalid_request_error` for a missing or wrong key, with Stripe's messages.
 */
function checkApiKey(request: IncomingMessage, apiKey: string): void {
  const authorization = headerValue(request, 'authorization');
  const provided = authorization === null ? null : keyFromAuthorization(authorization);
  if (provided === null || provided === '') {
    throw new StripeApiError({
      statusCode: 401,
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    });
  }
  if (provided !== apiKey) {
    throw new StripeApiError({
      statusCode: 401,
      type: 'invalid_request_error',
      message: `Invalid API Key provided: ${redactKey(provided)}`,
    });
  }
}

function keyFromAuthorization(authorization: string): string | null {
  const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return credentials;
  if (scheme.toLowerCase() === 'basic') return Buffer.from(credentials, 'base64').toString('utf8').split(':')[0] ?? null;
  return null;
}

/** Stripe shows only the prefix and last four characters of a rejected key. */
function redactKey(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 8)}${'*'.repeat(Math.min(key.length - 12, 24))}${key.slice(-4)}`;
}

function headerValue(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
