import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ConfirmActions } from '../../components/ConfirmActions.tsx';
import { ReviewActions } from '../../components/ReviewActions.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import { AdminUserDocument, AdminUserLedgerDocument, AdminUserPurchasesDocument } from '../../generated/graphql.ts';
import { useRefundTopUpMutation } from '../../generated/hooks.ts';

interface RefundFormProps {
  sessionId: string;
  /** The most that may be refunded (see `refundableCredits`). */
  creditsMax: number;
  onClose: () => void;
}

/** Stripe's refund lands a moment later as an event; refetch once more after it should have. */
const settleDelayMilliseconds = 2500;

/**
 * Refund part or all of a purchase, in two steps like an adjustment. The money amount is the
 * server's; the credits are clawed back when Stripe confirms the refund.
 */
export function RefundForm({ sessionId, creditsMax, onClose }: RefundFormProps) {
  const id = useId();
  const [creditsText, setCreditsText] = useState(String(creditsMax));
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [problem, setProblem] = useState<string | null>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const sending = useRef(false);
  const settleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(settleTimer.current), []);
  const refetchQueries = [AdminUserDocument, AdminUserPurchasesDocument, AdminUserLedgerDocument];
  const [refundTopUp, { loading, client }] = useRefundTopUpMutation({ refetchQueries, awaitRefetchQueries: true });

  const credits = /^\d+$/.test(creditsText.trim()) ? Number(creditsText.trim()) : Number.NaN;
  const valid = Number.isSafeInteger(credits) && credits >= 1 && credits <= creditsMax;

  const review = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) {
      setProblem(`Enter a whole number from 1 to ${formatCredits(creditsMax)} (the credits not yet spent).`);
      return;
    }
    setProblem(null);
    setStep('confirm');
  };

  const confirm = async () => {
    if (sending.current || !valid) return;
    sending.current = true;
    setSendError(null);
    try {
      const { data } = await refundTopUp({ variables: { input: { sessionId, credits } } });
      const refund = data?.refundTopUp;
      setDone(
        refund
          ? `Refund requested: ${formatMoney({ amountMinor: refund.amountMinor, currency: refund.currency })} for ${formatCredits(refund.credits)} credits. The credits are taken back when Stripe confirms it.`
          : 'Refund requested.',
      );
      settleTimer.current = setTimeout(() => void client.refetchQueries({ include: refetchQueries }).catch(() => undefined), settleDelayMilliseconds);
    } catch (error) {
      setSendError(error);
    } finally {
      sending.current = false;
    }
  };

  if (done) {
    return (
      <div className="inline-panel">
        <p className="notice notice--success" role="status">
          {done}
        </p>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    );
  }

  if (step === 'confirm') {
    return (
      <div className="inline-panel confirm-panel" role="group" aria-labelledby={`${id}-confirm`}>
        <h3 id={`${id}-confirm`}>Refund {formatCredits(credits)} credits?</h3>
        <p>
          Stripe returns the matching amount to the customer. This cannot be undone. Session <span className="id">{sessionId}</span>.
        </p>
        <ConfirmActions
          label="Confirm refund"
          busyLabel="Refunding…"
          tone="danger"
          busy={loading}
          sendError={sendError}
          onConfirm={() => void confirm()}
          onBack={() => setStep('edit')}
        />
      </div>
    );
  }

  return (
    <form className="inline-panel" onSubmit={review} noValidate aria-label={`Refund ${sessionId}`}>
      <div className="field">
        <label htmlFor={`${id}-credits`}>Credits to refund</label>
        <input
          id={`${id}-credits`}
          inputMode="numeric"
          autoComplete="off"
          value={creditsText}
          onChange={(event) => setCreditsText(event.target.value)}
          aria-describedby={`${id}-hint`}
          aria-invalid={problem !== null}
        />
        <p className="field__hint" id={`${id}-hint`}>
          At most {formatCredits(creditsMax)}: the credits of this purchase the user has not spent.
        </p>
      </div>
      <ReviewActions problem={problem} label="Review refund" onCancel={onClose} />
    </form>
  );
}
