/**
 * A fresh idempotency key for one submission of a form. `crypto.randomUUID` needs a secure context
 * (https or localhost); elsewhere 128 random bits from `getRandomValues` do the same job.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext !== false) return `console-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
