import { reasonLengthMax } from './ReasonField.tsx';
import type { Checked } from './useConfirmForm.ts';

/**
 * What every credit movement an admin makes needs (adjustment, promotion): a whole number of
 * credits above zero, typed as text, and a reason the user will read, within `reasonLengthMax`.
 */
export function checkCreditsAndReason(creditsText: string, reasonText: string): Checked<{ credits: number; reason: string }> {
  const trimmed = creditsText.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) === 0 || !Number.isSafeInteger(Number(trimmed))) {
    return { ok: false, message: 'Enter a whole number of credits, more than zero.' };
  }
  const reason = reasonText.trim();
  if (reason === '') return { ok: false, message: 'Give a reason: the user sees it in their history.' };
  if (reason.length > reasonLengthMax) return { ok: false, message: `Keep the reason under ${reasonLengthMax} characters.` };
  return { ok: true, credits: Number(trimmed), reason };
}
