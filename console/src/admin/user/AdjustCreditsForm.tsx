import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ConfirmActions } from '../../components/ConfirmActions.tsx';
import { ReviewActions } from '../../components/ReviewActions.tsx';
import { formatCreditDelta, formatCredits } from '../../format/formatCredits.ts';
import { useAdjustCreditsMutation } from '../../generated/hooks.ts';
import { newIdempotencyKey } from './newIdempotencyKey.ts';

interface AdjustCreditsFormProps {
  userId: string;
  /** The user's balance now, to show the balance the adjustment leads to. */
  credits: number;
}

export const reasonLengthMax = 500;

type Draft = { direction: 'add' | 'remove'; amountText: string; reason: string };
type Checked = { ok: true; delta: number; reason: string } | { ok: false; message: string };

const emptyDraft: Draft = { direction: 'add', amountText: '', reason: '' };

/** Validates a draft; a removal may not take the balance below zero (the server checks it too). */
export function checkAdjustment(draft: Draft, credits: number): Checked {
  const amountText = draft.amountText.trim();
  if (!/^\d+$/.test(amountText) || Number(amountText) === 0 || !Number.isSafeInteger(Number(amountText))) {
    return { ok: false, message: 'Enter a whole number of credits, more than zero.' };
  }
  const reason = draft.reason.trim();
  if (reason === '') return { ok: false, message: 'Give a reason: the user sees it in their history.' };
  if (reason.length > reasonLengthMax) return { ok: false, message: `Keep the reason under ${reasonLengthMax} characters.` };
  const amount = Number(amountText);
  if (draft.direction === 'remove' && amount > Math.max(0, credits)) {
    return { ok: false, message: `Not enough credits: the balance is ${formatCredits(credits)}.` };
  }
  return { ok: true, delta: draft.direction === 'add' ? amount : -amount, reason };
}

/**
 * Adjust credits in two steps: fill in, then confirm. The idempotency key is made when the admin
 * reaches the confirmation, and reused for every send of that confirmation: a double click, or a
 * retry after a network error, cannot move the credits twice. Editing again makes a new key.
 */
export function AdjustCreditsForm({ userId, credits }: AdjustCreditsFormProps) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [idempotencyKey, setIdempotencyKey] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const sending = useRef(false);
  const confirmHeadingRef = useRef<HTMLHeadingElement>(null);
  const [adjustCredits, { loading }] = useAdjustCreditsMutation({
    // The new entry carries the balance after it: write that into the cached user (the header's
    // `me` too, when admins adjust themselves), and drop the cached ledgers so the lists showing
    // them fetch again with the new entry on top.
    update(cache, { data }) {
      const entry = data?.adjustCredits;
      if (!entry) return;
      cache.modify({
        id: cache.identify({ __typename: 'User', id: entry.userId }),
        fields: {
          credits: () => entry.balanceAfter,
          debt: () => Math.max(0, -entry.balanceAfter),
          lastCreditUpdate: () => entry.createdAt,
          ledger: (_existing, { DELETE }) => DELETE,
        },
      });
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'ledgerEntries' });
      cache.gc();
    },
  });
  const checked = checkAdjustment(draft, credits);

  useEffect(() => {
    if (step === 'confirm') confirmHeadingRef.current?.focus();
  }, [step]);

  const review = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    setSendError(null);
    if (!checked.ok) {
      setProblem(checked.message);
      return;
    }
    setProblem(null);
    setIdempotencyKey(newIdempotencyKey());
    setStep('confirm');
  };

  const confirm = async () => {
    if (sending.current || !checked.ok || !idempotencyKey) return;
    sending.current = true;
    setSendError(null);
    try {
      const { data } = await adjustCredits({ variables: { input: { userId, delta: checked.delta, reason: checked.reason, idempotencyKey } } });
      const entry = data?.adjustCredits;
      setDone(
        entry
          ? `Adjustment saved: ${formatCreditDelta(entry.delta)} credits. New balance: ${formatCredits(entry.balanceAfter)} credits.`
          : 'Adjustment saved.',
      );
      setDraft(emptyDraft);
      setIdempotencyKey(null);
      setStep('edit');
    } catch (error) {
      // The key is kept: sending again is the same submission.
      setSendError(error);
    } finally {
      sending.current = false;
    }
  };

  const back = () => {
    setStep('edit');
    setIdempotencyKey(null);
    setSendError(null);
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Adjust credits</h2>
      {step === 'edit' ? (
        <form onSubmit={review} noValidate className="stack">
          <fieldset className="segmented">
            <legend>Direction</legend>
            <label className="choice">
              <input type="radio" name={`${id}-direction`} checked={draft.direction === 'add'} onChange={() => setDraft({ ...draft, direction: 'add' })} />
              <span>Add credits</span>
            </label>
            <label className="choice">
              <input
                type="radio"
                name={`${id}-direction`}
                checked={draft.direction === 'remove'}
                onChange={() => setDraft({ ...draft, direction: 'remove' })}
              />
              <span>Remove credits</span>
            </label>
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-amount`}>Credits</label>
            <input
              id={`${id}-amount`}
              inputMode="numeric"
              autoComplete="off"
              value={draft.amountText}
              onChange={(event) => setDraft({ ...draft, amountText: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason (required, shown to the user)</label>
            <textarea
              id={`${id}-reason`}
              rows={2}
              maxLength={reasonLengthMax}
              value={draft.reason}
              onChange={(event) => setDraft({ ...draft, reason: event.target.value })}
              required
            />
          </div>
          <ReviewActions problem={problem} label="Review adjustment" />
          {done && (
            <p className="notice notice--success" role="status">
              {done}
            </p>
          )}
        </form>
      ) : (
        checked.ok && (
          <div className="confirm-panel">
            <h3 ref={confirmHeadingRef} tabIndex={-1}>
              {checked.delta > 0 ? 'Add' : 'Remove'} {formatCredits(Math.abs(checked.delta))} credits?
            </h3>
            <dl className="summary-list">
              <dt>User</dt>
              <dd className="id">{userId}</dd>
              <dt>Balance</dt>
              <dd>
                {formatCredits(credits)} → {formatCredits(credits + checked.delta)} credits
              </dd>
              <dt>Reason</dt>
              <dd>{checked.reason}</dd>
            </dl>
            <ConfirmActions
              label="Confirm adjustment"
              busyLabel="Saving…"
              tone="primary"
              busy={loading}
              sendError={sendError}
              onConfirm={() => void confirm()}
              onBack={back}
            />
          </div>
        )
      )}
    </section>
  );
}
