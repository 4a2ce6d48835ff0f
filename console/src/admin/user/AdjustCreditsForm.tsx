import { useApolloClient, useMutation } from '@apollo/client/react';
import { useId, useState } from 'react';
import { optimisticLedgerEntry, writeBalanceAfter } from '../../apollo/optimisticMovement.ts';
import { refreshAfterCreditMovement } from '../../apollo/refreshAfterCreditMovement.ts';
import { formatCreditDelta, formatCredits } from '../../format/formatCredits.ts';
import { AdjustCreditsDocument } from '../../generated/graphql.ts';
import { CreditsField } from './CreditsField.tsx';
import { EditStepForm } from './EditStepForm.tsx';
import { MovementConfirmPanel } from './MovementConfirmPanel.tsx';
import { checkCreditsAndReason } from './checkCreditsAndReason.ts';
import { ReasonField } from './ReasonField.tsx';
import { useConfirmForm } from './useConfirmForm.ts';
import type { Checked } from './useConfirmForm.ts';

interface AdjustCreditsFormProps {
  userId: string;
  /** The user's balance now, to show the balance the adjustment leads to. */
  credits: number;
}

type Draft = { direction: 'add' | 'remove'; amountText: string; reason: string };

const emptyDraft: Draft = { direction: 'add', amountText: '', reason: '' };

/** Validates a draft; a removal may not take the balance below zero (the server checks it too). */
export function checkAdjustment(draft: Draft, credits: number): Checked<{ delta: number; reason: string }> {
  const checked = checkCreditsAndReason(draft.amountText, draft.reason);
  if (!checked.ok) return checked;
  const amount = checked.credits;
  if (draft.direction === 'remove' && amount > Math.max(0, credits)) {
    const message = `Not enough credits: the balance is ${formatCredits(credits)}.`;
    return { ok: false, message, fields: { credits: message } };
  }
  return { ok: true, delta: draft.direction === 'add' ? amount : -amount, reason: checked.reason };
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
      // The balance moves on screen at once (optimistic), and back if the server refuses.
      const { data } = await adjustCredits({
        variables: { input: { userId, delta, reason, idempotencyKey } },
        optimisticResponse: { adjustCredits: optimisticLedgerEntry({ userId, kind: 'ADJUSTMENT', delta, creditsBefore: credits, reason }) },
        update: (cache, result) => writeBalanceAfter(cache, result.data?.adjustCredits),
      });
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
        <EditStepForm form={form} reviewLabel="Review adjustment">
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
          <CreditsField id={`${id}-amount`} label="Credits" value={draft.amountText} onChange={(amountText) => setDraft({ ...draft, amountText })} problem={form.fieldProblems.credits} />
          <ReasonField id={`${id}-reason`} label="Reason (required, shown to the user)" value={draft.reason} onChange={(reason) => setDraft({ ...draft, reason })} problem={form.fieldProblems.reason} />
        </EditStepForm>
      ) : (
        checked.ok && (
          <MovementConfirmPanel
            form={form}
            heading={`${checked.delta > 0 ? 'Add' : 'Remove'} ${formatCredits(Math.abs(checked.delta))} credits?`}
            userId={userId}
            reason={checked.reason}
            confirm={{ label: 'Confirm adjustment', busyLabel: 'Saving…' }}
          >
            <dt>Balance</dt>
            <dd>
              {formatCredits(credits)} → {formatCredits(credits + checked.delta)} credits
            </dd>
          </MovementConfirmPanel>
        )
      )}
    </section>
  );
}
