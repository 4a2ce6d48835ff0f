import { formatCredits } from '../format/formatCredits.ts';
import type { AutoTopUpFieldsFragment } from '../generated/graphql.ts';
import type { BuyCredits } from '../billing/useBuyCredits.ts';

/**
 * Shown while the bank asks the user to confirm an automatic payment (REQUIRES_ACTION): confirming
 * opens a checkout for the same credits, paid on-session; once paid, auto top-up is active again.
 */
export function AutoTopUpBanner({ autoTopUp, purchase }: { autoTopUp: AutoTopUpFieldsFragment; purchase: BuyCredits }) {
  if (autoTopUp.status !== 'REQUIRES_ACTION') return null;
  const credits = autoTopUp.pendingAttempt?.credits ?? autoTopUp.credits ?? null;
  return (
    <div className="notice notice--warning" role="alert" data-testid="auto-top-up-banner">
      <p>
        Your bank asks you to confirm the automatic top-up{credits !== null ? ` of ${formatCredits(credits)} credits` : ''}.
        {autoTopUp.lastError ? ` (${autoTopUp.lastError})` : ''} No automatic top-up happens until you do.
      </p>
      {credits !== null && (
        <button type="button" className="button button--primary" disabled={purchase.pendingCredits !== null} onClick={() => void purchase.buy(credits)}>
          Confirm the payment
        </button>
      )}
    </div>
  );
}
