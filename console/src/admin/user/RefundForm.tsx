import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useId, useRef, useState } from 'react';
import { refreshAfterCreditMovement } from '../../apollo/refreshAfterCreditMovement.ts';
import { ConfirmActions } from '../../components/ConfirmActions.tsx';
import { DoneNotice } from '../../components/DoneNotice.tsx';
import { ReviewActions } from '../../components/ReviewActions.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import { RefundAmountDocument, RefundTopUpDocument } from '../../generated/graphql.ts';
import { useConfirmForm } from './useConfirmForm.ts';

interface RefundFormProps {
  sessionId: string;
  /** Whose purchase it is: their balance and ledger change when Stripe confirms the refund. */
  userId: string;
  /** The most that may be refunded: the purchase's `refundableCredits`, computed by the server. */
  creditsMax: number;
  onClose: () => void;
}

/** Stripe's refund lands a moment later as an event; refresh once more after it should have. */
const settleDelayMilliseconds = 2500;

/**
 * Refund part or all of a purchase, in two steps like an adjustment. The money amount is the
 * server's; the credits are clawed back when Stripe confirms the refund.
 */
export function RefundForm({ sessionId, userId, creditsMax, onClose }: RefundFormProps) {
  const id = useId();
  const [creditsText, setCreditsText] = useState(String(creditsMax));
  const settleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(settleTimer.current), []);
  const [refundTopUp] = useMutation(RefundTopUpDocument);
  const client = useApolloClient();

  const credits = /^\d+$/.test(creditsText.trim()) ? Number(creditsText.trim()) : Number.NaN;
  const form = useConfirmForm({
    checked:
      Number.isSafeInteger(credits) && credits >= 1 && credits <= creditsMax
        ? { ok: true, credits }
        : { ok: false, message: `Enter a whole number from 1 to ${formatCredits(creditsMax)} (the credits not yet spent).` },
    send: async (refund) => {
      const { data } = await refundTopUp({ variables: { input: { sessionId, credits: refund.credits } } });
      const refresh = () => refreshAfterCreditMovement(client, { userId }).catch(() => undefined);
      await refresh();
      settleTimer.current = setTimeout(() => void refresh(), settleDelayMilliseconds);
      const result = data?.refundTopUp;
      return result
        ? `Refund requested: ${formatMoney({ amountMinor: result.amountMinor, currency: result.currency })} for ${formatCredits(result.credits)} credits. The credits are taken back when Stripe confirms it.`
        : 'Refund requested.';
    },
  });

  if (form.done) {
    return (
      <div className="inline-panel">
        <DoneNotice done={form.done} />
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    );
  }

  if (form.step === 'confirm') {
    return (
      <div className="inline-panel confirm-panel" role="group" aria-labelledby={`${id}-confirm`}>
        <h3 id={`${id}-confirm`}>Refund {formatCredits(credits)} credits?</h3>
        <RefundAmount sessionId={sessionId} credits={credits} />
        <p>Stripe returns this amount to the customer. This cannot be undone.</p>
        <p className="muted">
          Session{' '}
          <span className="id" title={sessionId}>
            {sessionId}
          </span>
        </p>
        <ConfirmActions label="Confirm refund" busyLabel="Refunding…" tone="danger" form={form} />
      </div>
    );
  }

  return (
    <form className="inline-panel" onSubmit={form.review} noValidate aria-label={`Refund ${sessionId}`}>
      <div className="field">
        <label htmlFor={`${id}-credits`}>Credits to refund</label>
        <input
          id={`${id}-credits`}
          inputMode="numeric"
          autoComplete="off"
          value={creditsText}
          onChange={(event) => setCreditsText(event.target.value)}
          aria-describedby={`${id}-hint`}
          aria-invalid={form.problem !== null}
        />
        <p className="field__hint" id={`${id}-hint`}>
          At most {formatCredits(creditsMax)}: the credits of this purchase the user has not spent.
        </p>
      </div>
      <ReviewActions problem={form.problem} label="Review refund" onCancel={onClose} />
    </form>
  );
}

/**
 * The money this refund returns, as the server computes it for `refundTopUp` (a share of what was
 * paid, rounded down; the last credits take the exact remainder), in the currency charged. Asked
 * afresh each time the confirmation opens: another refund may have changed it.
 */
function RefundAmount({ sessionId, credits }: { sessionId: string; credits: number }) {
  const { data, loading, error } = useQuery(RefundAmountDocument, { variables: { sessionId, credits }, fetchPolicy: 'network-only' });
  const purchase = data?.purchase;
  if (loading) return <p className="refund-amount" aria-live="polite">Working out the amount…</p>;
  if (error || !purchase) return <p className="refund-amount" role="alert">The amount could not be worked out; Stripe refunds the share paid for these credits.</p>;
  if (purchase.refundableAmountMinor == null) {
    return <p className="refund-amount" role="alert">These credits can no longer be refunded (spent or refunded meanwhile). Go back and check the number.</p>;
  }
  const currency = purchase.presentmentCurrency ?? purchase.currency;
  return (
    <p className="refund-amount" aria-live="polite">
      Amount refunded: <strong>{formatMoney({ amountMinor: purchase.refundableAmountMinor, currency })}</strong>
    </p>
  );
}
