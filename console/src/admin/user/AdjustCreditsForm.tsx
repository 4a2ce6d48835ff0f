import { useApolloClient, useMutation } from '@apollo/client/react';
import { useId, useState } from 'react';
import { refreshAfterCreditMovement } from '../../apollo/refreshAfterCreditMovement.ts';
import { ConfirmActions } from '../../components/ConfirmActions.tsx';
import { ReviewActions } from '../../components/ReviewActions.tsx';
import { formatCreditDelta, formatCredits } from '../../format/formatCredits.ts';
import { AdjustCreditsDocument } from '../../generated/graphql.ts';
import { useConfirmForm } from './useConfirmForm.ts';
import type { Checked } from './useConfirmForm.ts';

interface AdjustCreditsFormProps {
  userId: string;
  /** The user's balance now, to show the balance the adjustment leads to. */
  credits: number;
}

export const reasonLengthMax = 500;

type Draft = { direction: 'add' | 'remove'; amountText: string; reason: string };

const emptyDraft: Draft = { direction: 'add', amountText: '', reason: '' };

/** Validates a draft; a removal may not take the balance below zero (the server checks it too). */
export function checkAdjustment(draft: Draft, credits: number): Checked<{ delta: number; reason: string }> {
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
 * Adjust credits in two steps: fill in, then confirm (`useConfirmForm`: one idempotency key per
 * confirmation, so a double click or a retry cannot move the credits twice).
 */
export function AdjustCreditsForm({ userId, credits }: AdjustCreditsFormProps) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [adjustCredits] = useMutation(AdjustCreditsDocument);
  const client = useApolloClient();
  const checked = checkAdjustment(draft, credits);
  const form = useConfirmForm({
    checked,
    send: async ({ delta, reason }, idempotencyKey) => {
      const { data } = await adjustCredits({ variables: { input: { userId, delta, reason, idempotencyKey } } });
      const entry = data?.adjustCredits;
      if (!entry) return 'Adjustment saved.';
      // The new entry carries the balance after it: written at once (the header's `me` too, when
      // admins adjust themselves); the lists that show the entry are fetched again.
      void refreshAfterCreditMovement(client, { userId: entry.userId, balance: { credits: entry.balanceAfter, at: entry.createdAt } }).catch(() => undefined);
      return `Adjustment saved: ${formatCreditDelta(entry.delta)} credits. New balance: ${formatCredits(entry.balanceAfter)} credits.`;
    },
    onSent: () => setDraft(emptyDraft),
  });

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Adjust credits</h2>
      {form.step === 'edit' ? (
        <form onSubmit={form.review} noValidate className="stack">
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
          <ReviewActions problem={form.problem} label="Review adjustment" />
          {form.done && (
            <p className="notice notice--success" role="status">
              {form.done}
            </p>
          )}
        </form>
      ) : (
        checked.ok && (
          <div className="confirm-panel">
            <h3 ref={form.confirmHeadingRef} tabIndex={-1}>
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
            <ConfirmActions label="Confirm adjustment" busyLabel="Saving…" tone="primary" form={form} />
          </div>
        )
      )}
    </section>
  );
}
