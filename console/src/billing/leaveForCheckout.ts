/**
 * Sends the browser to Stripe's hosted checkout (or the sandbox's). Its own module so component
 * tests can replace it: jsdom cannot leave the page.
 */
export function leaveForCheckout(url: string): void {
  window.location.assign(url);
}

/** Only http(s) URLs are followed, whatever the server sends. */
export function isWebUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
