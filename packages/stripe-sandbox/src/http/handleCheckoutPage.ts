import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatAmountMinor } from '../currencyRules.ts';
import { findCheckoutSession } from '../operations/findCheckoutSession.ts';
import { payCheckoutSession, paymentOutcomes, type PaymentOutcome } from '../operations/payCheckoutSession.ts';
import { asyncPaymentResults, settleAsyncPayment, type AsyncPaymentResult } from '../operations/settleAsyncPayment.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import type { StoredCheckoutSession } from '../sandboxState.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { matchRoute, type Route } from './matchRoute.ts';
import { readRequestBody } from './readRequestBody.ts';
import { renderCheckoutPage, renderMissingSessionPage, type CheckoutPageView } from './renderCheckoutPage.ts';
import { sendHtml, sendRedirect } from './sendResponse.ts';

const formBodyBytesMax = 16 * 1024;

type PageRoute = Route & { action: 'show' | 'pay' | 'async' | 'cancel' };

const pageRoutes: readonly PageRoute[] = [
  { method: 'GET', pattern: '/checkout/:id', action: 'show' },
  { method: 'POST', pattern: '/checkout/:id/pay', action: 'pay' },
  { method: 'POST', pattern: '/checkout/:id/async', action: 'async' },
  { method: 'POST', pattern: '/checkout/:id/cancel', action: 'cancel' },
];

/**
 * The hosted checkout page at a session's `url`, and its form actions. Every action answers
 * with a 303 redirect (post/redirect/get): to `success_url` after a card payment, to
 * `cancel_url` on cancel, and back to the page otherwise (a decline shows Stripe's message).
 */
export async function handleCheckoutPage(context: SandboxContext, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const match = matchRoute(pageRoutes, request.method ?? 'GET', url.pathname);
  if (match === null) {
    sendHtml(response, 404, renderMissingSessionPage(url.pathname));
    return;
  }
  const sessionId = match.id;
  const stored = context.state.checkoutSessions[sessionId];
  if (stored === undefined) {
    sendHtml(response, 404, renderMissingSessionPage(sessionId));
    return;
  }
  const pageUrl = `/checkout/${encodeURIComponent(sessionId)}`;
  switch (match.route.action) {
    case 'show': {
      findCheckoutSession(context, sessionId);
      const declined = url.searchParams.get('declined') === '1';
      sendHtml(response, 200, renderCheckoutPage(pageView(context, stored, declined)));
      return;
    }
    case 'pay': {
      const outcome = readChoice(await readForm(request), 'outcome', paymentOutcomes);
      sendRedirect(response, pay(context, stored, outcome) ?? pageUrl);
      return;
    }
    case 'async': {
      const result = readChoice(await readForm(request), 'result', asyncPaymentResults);
      settleIgnoringStateErrors(context, sessionId, result);
      sendRedirect(response, pageUrl);
      return;
    }
    case 'cancel':
      // Like Stripe, leaving the page does not expire the session; the customer may come back.
      sendRedirect(response, stored.session.cancel_url ?? pageUrl);
      return;
  }
}

/** Pays and returns where to go next; null means back to the page, which shows the new state. */
function pay(context: SandboxContext, stored: StoredCheckoutSession, outcome: PaymentOutcome | null): string | null {
  if (outcome === null) return null;
  const sessionId = stored.session.id;
  try {
    // Like Stripe Checkout with setup_future_usage, paying saves the card when the session asked for it.
    const result = payCheckoutSession(context, { sessionId, outcome, saveCard: true });
    if (result.outcome === 'declined') return `/checkout/${encodeURIComponent(sessionId)}?declined=1`;
  } catch (error) {
    // A session that is no longer open: the page explains its state.
    if (error instanceof StripeApiError) return null;
    throw error;
  }
  if (outcome === 'paid' && stored.session.success_url !== null) return substituteSessionId(stored.session.success_url, sessionId);
  return null;
}

function settleIgnoringStateErrors(context: SandboxContext, sessionId: string, result: AsyncPaymentResult | null): void {
  if (result === null) return;
  try {
    settleAsyncPayment(context, { sessionId, result });
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
  }
}

function pageView(context: SandboxContext, stored: StoredCheckoutSession, declined: boolean): CheckoutPageView {
  const session = stored.session;
  const currency = session.currency ?? 'usd';
  const state = pageState(context, stored);
  const returnTarget = state === 'expired' ? session.cancel_url : session.success_url;
  return {
    sessionId: session.id,
    state,
    lineItems: stored.lineItems.map((lineItem) => ({
      name: lineItem.description ?? 'Item',
      quantity: lineItem.quantity ?? 1,
      amountText: formatAmountMinor(lineItem.amount_total, currency),
    })),
    totalText: formatAmountMinor(session.amount_total ?? 0, currency),
    customerEmail: knownCustomerEmail(context, session),
    alert: declined && state === 'open' ? 'Your card was declined.' : null,
    returnUrl: returnTarget === null || state === 'open' ? null : substituteSessionId(returnTarget, session.id),
  };
}

/**
 * The email the page shows: the one the session was given, else its customer's. Never the API's
 * stand-in for an email typed on the page (`customer_details.email` falls back to a test address,
 * as Stripe always has one), which would read as the customer's when it is not: none is shown then.
 */
function knownCustomerEmail(context: SandboxContext, session: StoredCheckoutSession['session']): string | null {
  const customerId = typeof session.customer === 'string' ? session.customer : null;
  return session.customer_email ?? (customerId === null ? null : (context.state.customers[customerId]?.email ?? null));
}

function pageState(context: SandboxContext, stored: StoredCheckoutSession): CheckoutPageView['state'] {
  const session = stored.session;
  if (session.status === 'open') return 'open';
  if (session.status === 'expired') return 'expired';
  if (session.payment_status === 'paid') return 'paid';
  const paymentIntentId = typeof session.payment_intent === 'string' ? session.payment_intent : null;
  const paymentIntent = paymentIntentId === null ? undefined : context.state.paymentIntents[paymentIntentId];
  return paymentIntent?.status === 'processing' ? 'processing' : 'async_failed';
}

/** Stripe replaces the literal `{CHECKOUT_SESSION_ID}` in the success URL on redirect. */
function substituteSessionId(url: string, sessionId: string): string {
  return url.replaceAll('{CHECKOUT_SESSION_ID}', sessionId).replaceAll('%7BCHECKOUT_SESSION_ID%7D', sessionId);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readRequestBody(request, formBodyBytesMax));
}

function readChoice<T extends string>(form: URLSearchParams, name: string, allowed: readonly T[]): T | null {
  const value = form.get(name);
  return allowed.find((candidate) => candidate === value) ?? null;
}
