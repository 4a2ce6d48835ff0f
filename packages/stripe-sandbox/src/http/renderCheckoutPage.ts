/** What the hosted checkout page shows about one session (`page` and `escapeHtml` also make the receipt page). */
export interface CheckoutPageView {
  sessionId: string;
  /** `open` offers the payment buttons; `processing` offers the buttons that settle a delayed payment. */
  state: 'open' | 'paid' | 'processing' | 'async_failed' | 'expired';
  lineItems: Array<{ name: string; quantity: number; amountText: string }>;
  totalText: string;
  customerEmail: string | null;
  /** A message above the buttons, such as the decline of the last attempt. */
  alert: string | null;
  /** Where "Return to the merchant" goes, `{CHECKOUT_SESSION_ID}` already substituted. */
  returnUrl: string | null;
}

/**
 * The sandbox's hosted checkout page: self-contained HTML (no scripts, no external assets; the
 * empty `data:` icon stops browsers asking for a /favicon.ico on every load)
 * whose buttons are plain forms, so it works without JavaScript and a browser test can click
 * them by their accessible names: "Pay", "Pay with a declined card", "Pay with a delayed
 * method", "Cancel", "Delayed payment succeeds", "Delayed payment fails".
 */
export function renderCheckoutPage(view: CheckoutPageView): string {
  const base = `/checkout/${encodeURIComponent(view.sessionId)}`;
  return page(
    `Pay ${view.totalText}`,
    `<main>
  <p class="badge">Stripe sandbox · test mode · no real money moves</p>
  <h1>Pay ${escapeHtml(view.totalText)}</h1>
  ${renderLineItems(view)}
  ${view.customerEmail === null ? '' : `<p class="muted">Email: ${escapeHtml(view.customerEmail)}</p>`}
  ${view.alert === null ? '' : `<p role="alert" class="alert">${escapeHtml(view.alert)}</p>`}
  ${renderState(view, base)}
</main>`,
  );
}

/** A page for a session id the sandbox does not know. */
export function renderMissingSessionPage(sessionId: string): string {
  return page(
    'Checkout session not found',
    `<main>
  <p class="badge">Stripe sandbox · test mode</p>
  <h1>Checkout session not found</h1>
  <p>No such checkout session: <code>${escapeHtml(sessionId)}</code>.</p>
</main>`,
  );
}

function renderState(view: CheckoutPageView, base: string): string {
  switch (view.state) {
    case 'open':
      return `<p class="muted">Card 4242 4242 4242 4242 · 12/34 · CVC 123</p>
  ${button(`${base}/pay`, 'outcome', 'paid', 'Pay', 'primary')}
  ${button(`${base}/pay`, 'outcome', 'declined', 'Pay with a declined card', 'secondary')}
  ${button(`${base}/pay`, 'outcome', 'async_pending', 'Pay with a delayed method', 'secondary')}
  ${button(`${base}/cancel`, 'action', 'cancel', 'Cancel', 'link')}`;
    case 'processing':
      return `<p role="status">Payment processing. A delayed method (like a bank debit) settles later.</p>
  ${button(`${base}/async`, 'result', 'succeeded', 'Delayed payment succeeds', 'primary')}
  ${button(`${base}/async`, 'result', 'failed', 'Delayed payment fails', 'secondary')}
  ${returnLink(view)}`;
    case 'paid':
      return `<p role="status">Payment complete. This checkout session is complete.</p>
  ${returnLink(view)}`;
    case 'async_failed':
      return `<p role="status">The delayed payment failed. This checkout session is complete but unpaid.</p>
  ${returnLink(view)}`;
    case 'expired':
      return `<p role="status">This checkout session has expired.</p>
  ${returnLink(view)}`;
  }
}

function renderLineItems(view: CheckoutPageView): string {
  const rows = view.lineItems
    .map(
      (lineItem) =>
        `<tr><td>${escapeHtml(lineItem.name)}${lineItem.quantity === 1 ? '' : ` × ${lineItem.quantity}`}</td><td class="amount">${escapeHtml(lineItem.amountText)}</td></tr>`,
    )
    .join('\n      ');
  return `<table>
    <tbody>
      ${rows}
    </tbody>
    <tfoot><tr><th scope="row">Total due</th><td class="amount">${escapeHtml(view.totalText)}</td></tr></tfoot>
  </table>`;
}

function button(action: string, name: string, value: string, label: string, kind: 'primary' | 'secondary' | 'link'): string {
  return `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="${name}" value="${value}"><button type="submit" class="${kind}">${escapeHtml(label)}</button></form>`;
}

function returnLink(view: CheckoutPageView): string {
  if (view.returnUrl === null) return '';
  return `<p><a href="${escapeHtml(view.returnUrl)}">Return to the merchant</a></p>`;
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)} · Stripe sandbox</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f6f9fc; color: #1a1f36; margin: 0; }
  main { max-width: 420px; margin: 48px auto; background: #fff; border-radius: 8px; padding: 32px; box-shadow: 0 2px 8px rgba(0,0,0,.08); }
  h1 { font-size: 28px; margin: 8px 0 24px; }
  table { width: 100%; border-collapse: collapse; margin-bottom: 16px; }
  td, th { padding: 8px 0; text-align: left; border-bottom: 1px solid #e3e8ee; font-weight: normal; }
  tfoot th, tfoot td { font-weight: 600; border-bottom: none; }
  .amount { text-align: right; }
  .badge { display: inline-block; background: #ffde92; color: #7a4d00; border-radius: 4px; padding: 2px 8px; font-size: 12px; margin: 0; }
  .muted { color: #697386; font-size: 14px; }
  .alert { background: #fde8e8; color: #a41c1c; padding: 12px; border-radius: 4px; }
  form { margin: 8px 0; }
  button { width: 100%; padding: 12px; font: inherit; font-size: 16px; border-radius: 6px; border: 1px solid #635bff; cursor: pointer; }
  button.primary { background: #635bff; color: #fff; }
  button.secondary { background: #fff; color: #635bff; }
  button.link { background: none; border: none; color: #697386; text-decoration: underline; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
