import { reasonLengthMax } from './ReasonField.tsx';
import type { Checked, FieldProblems } from './useConfirmForm.ts';

/**
 * What every credit movement an admin makes needs (adjustment, promotion): a whole number of
 * credits above zero, typed as text, and a reason the user will read, within `reasonLengthMax`.
 */
export function checkCreditsAndReason(creditsText: string, reasonText: string): Checked<{ credits: number; reason: string }> {
  const trimmed = creditsText.trim();
  const reason = reasonText.trim();
  // Every field is checked, so an empty submit says everything that is missing at once.
  const fields: FieldProblems = {};
  if (trimmed === '') fields.credits = 'Enter the number of credits.';
  else if (!/^\d+$/.test(trimmed) || Number(trimmed) === 0 || !Number.isSafeInteger(Number(trimmed))) {
    fields.credits = 'Enter a whole number of credits, more than zero.';
  }
  if (reason === '') fields.reason = 'Give a reason: the user sees it in their history.';
  else if (reason.length > reasonLengthMax) fields.reason = `Keep the reason under ${reasonLengthMax} characters.`;
  if (fields.credits !== undefined || fields.reason !== undefined) {
    return { ok: false, message: [fields.credits, fields.reason].filter(Boolean).join(' '), fields };
  }
  return { ok: true, credits: Number(trimmed), reason };
}
