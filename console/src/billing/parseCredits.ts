import { formatCredits } from '../format/formatCredits.ts';

export type CreditsInput =
  | { state: 'empty' }
  | { state: 'invalid'; message: string }
  | { state: 'valid'; credits: number };

interface Bounds {
  creditsMin: number;
  creditsMax: number;
}

/** Digits, optionally grouped by threes with a space, comma, dot or apostrophe ("2,500", "2 500"). */
const wholeNumberPattern = /^(\d+|\d{1,3}([ ,.'\u2019\u00a0\u202f]\d{3})+)$/;

/**
 * Reads what the user typed as a number of credits and checks it against the server's bounds.
 * Credits are whole, so a separator can only group digits: "1.5" is refused, "1.500" is 1500.
 */
export function parseCredits(text: string, { creditsMin, creditsMax }: Bounds): CreditsInput {
  const trimmed = text.trim();
  if (trimmed === '') return { state: 'empty' };
  if (!wholeNumberPattern.test(trimmed)) return { state: 'invalid', message: 'Enter a whole number of credits.' };
  const credits = Number(trimmed.replace(/\D/g, ''));
  if (!Number.isSafeInteger(credits) || credits > creditsMax) {
    return { state: 'invalid', message: `The largest purchase is ${formatCredits(creditsMax)} credits.` };
  }
  if (credits < creditsMin) return { state: 'invalid', message: `The smallest purchase is ${formatCredits(creditsMin)} credits.` };
  return { state: 'valid', credits };
}
