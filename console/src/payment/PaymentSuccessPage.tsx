import { useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { formatCredits } from '../format/formatCredits.ts';
import { formatMoney } from '../format/formatMoney.ts';
import { Link } from '../router/router.tsx';
import { useTopUpPolling } from './useTopUpPolling.ts';
import type { TopUp, TopUpPollState } from './useTopUpPolling.ts';

interface PaymentSuccessPageProps {
  /** `session_id` from the URL Stripe sent the browser back to. */
  sessionId: string | null;
}

/** Where checkout sends the browser back to: says what became of the payment, as it settles. */
export function PaymentSuccessPage({ sessionId }: PaymentSuccessPageProps) {
  if (!sessionId) {
    return (
      <>
        <PageHeading title="Payment" />
        <Outcome tone="warning" title="No checkout session">
          <p>This address does not name a checkout session. Your purchases are listed in your payments.</p>
          <NextSteps tryAgain />
        </Outcome>
      </>
    );
  }
  return <PaymentStatus sessionId={sessionId} />;
}

function PaymentStatus({ sessionId }: { sessionId: string }) {
  const [restartKey, setRestartKey] = useState(0);
  const state = useTopUpPolling(sessionId, restartKey);
  return (
    <>
      <PageHeading title="Payment" />
      <div className="payment-status" aria-live="polite" data-testid="payment-status">
        <PaymentOutcome state={state} onCheckAgain={() => setRestartKey((key) => key + 1)} />
      </div>
    </>
  );
}

function PaymentOutcome({ state, onCheckAgain }: { state: TopUpPollState; onCheckAgain: () => void }) {
  switch (state.phase) {
    case 'notFound':
      return (
        <Outcome tone="warning" title="No such payment">
          <p>
            We found no payment with this reference for the account you are signed in with. Check the link, or sign in as the
            person who paid.
          </p>
          <NextSteps />
        </Outcome>
      );
    case 'stalled':
      return (
        <>
          {state.topUp?.status === 'PENDING' ? (
            <Outcome tone="pending" title="Payment still processing">
              <p>
                Your bank has not confirmed the payment yet. Credits are added automatically when it clears; you can close this
                page.
              </p>
            </Outcome>
          ) : (
            <ErrorNotice error={state.error} message={state.error ? undefined : 'We could not confirm this payment yet.'} />
          )}
          <button type="button" className="button" onClick={onCheckAgain}>
            Check again
          </button>
        </>
      );
    case 'checking':
      return <CheckingOutcome topUp={state.topUp} />;
    case 'settled':
      return <SettledOutcome topUp={state.topUp} />;
  }
}

function CheckingOutcome({ topUp }: { topUp: TopUp | null }) {
  if (topUp?.status === 'PENDING') {
    return (
      <Outcome tone="pending" title="Payment pending" busy>
        <p>
          Your payment of {price(topUp)} for {formatCredits(topUp.credits)} credits is being processed. Credits are added as soon as
          it clears; this page updates by itself.
        </p>
      </Outcome>
    );
  }
  return (
    <Outcome tone="pending" title="Confirming your payment…" busy>
      <p>This takes a few seconds.</p>
    </Outcome>
  );
}

/** The checkouts that took no money: what happened, and "Try again". */
const unpaidOutcomes: Record<'FAILED' | 'EXPIRED' | 'OPEN', { tone: OutcomeProps['tone']; title: string; text: string }> = {
  FAILED: { tone: 'error', title: 'Payment failed', text: 'The payment did not go through, so no credits were added and you were not charged.' },
  EXPIRED: { tone: 'warning', title: 'Checkout expired', text: 'This checkout expired before it was paid. You were not charged.' },
  OPEN: {
    tone: 'warning',
    title: 'Not paid yet',
    text: 'This checkout has not been paid. If you left the payment page before finishing, start again from billing.',
  },
};

function SettledOutcome({ topUp }: { topUp: TopUp }) {
  const balance = <p data-testid="new-balance">Your balance is now {formatCredits(topUp.balance)} credits.</p>;
  switch (topUp.status) {
    case 'PAID':
    case 'PARTIALLY_REFUNDED':
      return (
        <Outcome tone="success" title="Payment received">
          <p className="credits-added" data-testid="credits-added">{`Credits added: ${formatCredits(topUp.creditsGranted)}`}</p>
          <p>
            You paid {price(topUp)}.{topUp.status === 'PARTIALLY_REFUNDED' ? ' Part of this payment was refunded later.' : ''}
          </p>
          {balance}
          <NextSteps />
        </Outcome>
      );
    case 'FAILED':
    case 'EXPIRED':
    case 'OPEN': {
      const { tone, title, text } = unpaidOutcomes[topUp.status];
      return (
        <Outcome tone={tone} title={title}>
          <p>{text}</p>
          <NextSteps tryAgain />
        </Outcome>
      );
    }
    case 'REFUNDED':
      return (
        <Outcome tone="warning" title="Payment refunded">
          <p>This payment of {price(topUp)} was refunded, and its credits were taken back.</p>
          {balance}
          <NextSteps />
        </Outcome>
      );
    case 'DISPUTED':
      return (
        <Outcome tone="warning" title="Payment disputed">
          <p>This payment is disputed with the bank, so its credits were taken back until the dispute is settled.</p>
          {balance}
          <NextSteps />
        </Outcome>
      );
    case 'PENDING':
      return <CheckingOutcome topUp={topUp} />;
  }
}

function price(topUp: TopUp): string {
  return formatMoney({ amountMinor: topUp.amountMinor, currency: topUp.currency });
}

interface OutcomeProps {
  tone: 'success' | 'pending' | 'warning' | 'error';
  title: string;
  busy?: boolean;
  children: ReactNode;
}

function Outcome({ tone, title, busy = false, children }: OutcomeProps) {
  return (
    <section className={`card outcome outcome--${tone}`} aria-busy={busy} data-tone={tone}>
      <h2 className="outcome__title">
        {busy && <span className="spinner" aria-hidden="true" />}
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * What to do next. A checkout that took no money (failed, expired, not paid) points to the payments
 * list, where the attempt is listed; credit history would show nothing for it.
 */
function NextSteps({ tryAgain = false }: { tryAgain?: boolean }) {
  return (
    <p className="next-steps">
      <Link to="/billing" className="button button--primary">
        {tryAgain ? 'Back to billing' : 'Buy more credits'}
      </Link>
      {tryAgain ? (
        <Link to="/billing/payments" className="button">
          View payments
        </Link>
      ) : (
        <Link to="/history" className="button">
          View history
        </Link>
      )}
    </p>
  );
}
