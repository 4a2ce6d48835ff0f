/**
 * How a grant of `credits` splits for a user whose balance is `balance`: a grant repays debt first
 * (the same rule as `add_lot` in server/db/functions/lots.sql), and only the rest is added to the
 * balance above zero. The billing page shows this before checkout, for each pack and the custom amount.
 */
export function debtRepayment(options: { credits: number; balance: number }): { debtRepaid: number; creditsAdded: number } {
  const debt = Math.max(0, -options.balance);
  const debtRepaid = Math.min(options.credits, debt);
  return { debtRepaid, creditsAdded: options.credits - debtRepaid };
}
