import type { AutoTopUpStatus } from '../generated/graphql.ts';

/** The state of auto top-up in plain words, with the server's last error (Stripe's words) when there is one. */
export function describeAutoTopUp(autoTopUp: { status: AutoTopUpStatus; lastError?: string | null; paymentMethod?: unknown }): string {
  const reason = autoTopUp.lastError ? ` Last problem: ${autoTopUp.lastError}` : '';
  switch (autoTopUp.status) {
    case 'OFF':
      return autoTopUp.paymentMethod ? 'Off. Your saved card is not charged automatically.' : 'Off. Save a card at checkout to use it.';
    case 'ACTIVE':
      return `On.${reason}`;
    case 'REQUIRES_ACTION':
      return `Waiting for you: your bank asks you to confirm the last automatic payment.${reason}`;
    case 'DISABLED':
      return `Switched off after three failed payments in a row. Check your card, then turn it on again.${reason}`;
  }
}

/** A money amount typed in major units ("12.50") as minor units, or null when it is not one. */
export function parseMajorAmount(text: string, exponent: number): number | null {
  const trimmed = text.trim();
  const pattern = exponent === 0 ? /^\d{1,12}$/ : new RegExp(`^\\d{1,12}(\\.\\d{0,${exponent}})?$`);
  if (!pattern.test(trimmed)) return null;
  const [whole = '0', fraction = ''] = trimmed.split('.');
  return Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
}

/** Minor units as the text of a major-unit field ("1250" cents -> "12.50"). */
export function formatMajorAmount(amountMinor: number, exponent: number): string {
  if (exponent === 0) return String(amountMinor);
  const text = String(amountMinor).padStart(exponent + 1, '0');
  return `${text.slice(0, -exponent)}.${text.slice(-exponent)}`;
}
