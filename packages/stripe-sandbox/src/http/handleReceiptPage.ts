import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import { formatAmountMinor } from '../currencyRules.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { escapeHtml, page } from './renderCheckoutPage.ts';
import { sendHtml } from './sendResponse.ts';

/** The path of a charge's receipt page; a charge's `receipt_url` is the sandbox's base URL plus this. */
export function receiptPath(chargeId: string): string {
  return `/receipts/payment/${encodeURIComponent(chargeId)}`;
}

/**
 * `GET /receipts/payment/{charge id}`: the receipt a charge's `receipt_url` opens, like Stripe's hosted
 * receipt: the amount paid, what it was for, the card, the date, and any refund. Self-contained HTML.
 */
export function handleReceiptPage(context: SandboxContext, request: IncomingMessage, response: ServerResponse, url: URL): void {
  const match = /^\/receipts\/payment\/([^/]+)$/.exec(url.pathname);
  const chargeId = match ? decodeURIComponent(match[1]!) : '';
  const charge = request.method === 'GET' ? context.state.charges[chargeId] : undefined;
  if (charge === undefined) {
    sendHtml(response, 404, page('Receipt not found', `<main>\n  <p class="badge">Stripe sandbox · test mode</p>\n  <h1>Receipt not found</h1>\n  <p>No such receipt.</p>\n</main>`));
    return;
  }
  sendHtml(response, 200, renderReceiptPage(charge));
}

function renderReceiptPage(charge: Stripe.Charge): string {
  const amount = formatAmountMinor(charge.amount, charge.currency);
  const paidOn = new Date(charge.created * 1000).toISOString().slice(0, 10);
  const card = charge.payment_method_details?.card;
  const refunded =
    charge.amount_refunded > 0
      ? `<tr><td>Refunded</td><td class="amount">−${escapeHtml(formatAmountMinor(charge.amount_refunded, charge.currency))}</td></tr>`
      : '';
  return page(
    `Receipt ${amount}`,
    `<main>
  <p class="badge">Stripe sandbox · test mode · no real money moved</p>
  <h1>Receipt</h1>
  <p class="muted">Receipt for charge <code>${escapeHtml(charge.id)}</code></p>
  <table>
    <tbody>
      <tr><td>${escapeHtml(charge.description ?? 'Payment')}</td><td class="amount">${escapeHtml(amount)}</td></tr>
      ${refunded}
      <tr><td>Date paid</td><td class="amount">${escapeHtml(paidOn)}</td></tr>
      <tr><td>Payment method</td><td class="amount">${card ? `${escapeHtml(card.brand ?? 'card')} •••• ${escapeHtml(card.last4 ?? '')}` : 'card'}</td></tr>
    </tbody>
    <tfoot><tr><th scope="row">Amount paid</th><td class="amount">${escapeHtml(amount)}</td></tr></tfoot>
  </table>
</main>`,
  );
}
