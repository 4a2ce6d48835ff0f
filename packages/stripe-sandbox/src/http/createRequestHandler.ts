import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjector } from '../faultInjector.ts';
import type { IdempotencyStore } from '../idempotencyStore.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { handleApiRequest } from './handleApiRequest.ts';
import { handleCheckoutPage } from './handleCheckoutPage.ts';
import { handleControlRequest } from './handleControlRequest.ts';
import { handleReceiptPage } from './handleReceiptPage.ts';
import { sendJson, sendText } from './sendResponse.ts';

/**
 * The sandbox's one HTTP entry point: `/v1/` is Stripe's API, `/checkout/` the hosted page, `/receipts/` the charges' receipts,
 * `/sandbox/` the control endpoints. An unexpected error is logged with its stack and answered
 * with a 500, so one bug does not take the sandbox down.
 */
export function createRequestHandler(dependencies: {
  context: SandboxContext;
  apiKey: string;
  idempotencyStore: IdempotencyStore;
  faults: FaultInjector;
}): (request: IncomingMessage, response: ServerResponse) => void {
  const { context } = dependencies;
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
    if (url.pathname.startsWith('/v1/')) return handleApiRequest(dependencies, request, response, url);
    if (url.pathname.startsWith('/sandbox/')) return handleControlRequest(dependencies, request, response, url);
    if (url.pathname.startsWith('/checkout/')) return handleCheckoutPage(context, request, response, url);
    if (url.pathname.startsWith('/receipts/')) return handleReceiptPage(context, request, response, url);
    if (url.pathname === '/' && request.method === 'GET') {
      sendText(response, 200, 'Stripe sandbox: a local stand-in for the part of Stripe\'s API Topup uses. See packages/stripe-sandbox/README.md.\n', {
        'Content-Type': 'text/plain; charset=utf-8',
      });
      return;
    }
    const error = StripeApiError.unrecognizedUrl(request.method ?? 'GET', url.pathname);
    sendJson(response, error.statusCode, error.toResponseBody());
  };
  return (request, response) => {
    route(request, response).catch((error: unknown) => {
      context.log(`Stripe sandbox: unexpected error on ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendJson(response, 500, { error: { message: 'An unknown error occurred in the Stripe sandbox.', type: 'api_error' } });
    });
  };
}
