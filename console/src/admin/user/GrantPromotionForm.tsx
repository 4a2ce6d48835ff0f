import { useApolloClient, useMutation } from '@apollo/client/react';
import { useId, useState } from 'react';
import { optimisticLedgerEntry, writeBalanceAfter } from '../../apollo/optimisticMovement.ts';
import { refreshAfterCreditMovement } from '../../apollo/refreshAfterCreditMovement.ts';
import { Field } from '../../components/Field.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime, startOfLocalDay } from '../../format/formatDate.ts';
import { GrantPromotionalCreditsDocument } from '../../generated/graphql.ts';
import { CreditsField } from './CreditsField.tsx';
import { EditStepForm } from './EditStepForm.tsx';
import { MovementConfirmPanel } from './MovementConfirmPanel.tsx';
import { checkCreditsAndReason } from './checkCreditsAndReason.ts';
import { ReasonField } from './ReasonField.tsx';
import { useConfirmForm } from './useConfirmForm.ts';
import type { Checked } from './useConfirmForm.ts';

type Draft = { creditsText: string; reason: string; /** `yyyy-mm-dd` from the date input, or empty: never expires. */ expiresOn: string };

const emptyDraft: Draft = { creditsText: '', reason: '', expiresOn: '' };

/** `yyyy-mm-dd` of the local day after `now`: the earliest expiry the date input offers. */
export function tomorrowInputValue(now: Date = new Date()): string {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}`;
}

/**
 * Validates a draft. The expiry is the start of the chosen day in the admin's time zone, as an
 * ISO instant, and must be in the future (the server refuses a past one too, with BAD_USER_INPUT).
 */
export function checkPromotion(draft: Draft, now: Date = new Date()): Checked<{ credits: number; reason: string; expiresAt: string | null }> {
  const checked = checkCreditsAndReason(draft.creditsText, draft.reason);
  if (!checked.ok) return checked;
  const { credits, reason } = checked;
  if (draft.expiresOn === '') return { ok: true, credits, reason, expiresAt: null };
  const expiresAt = startOfLocalDay(draft.expiresOn);
  if (!expiresAt) return { ok: false, message: 'Enter the expiry as a date, or leave it empty for credits that never expire.' };
  if (new Date(expiresAt).getTime() <= now.getTime()) return { ok: false, message: 'The expiry must be a day after today.' };
  return { ok: true, credits, reason, expiresAt };
}

/**
 * Grant promotional credits in two steps (`useConfirmForm`: one idempotency key per confirmation).
 * They make a PROMOTION lot, used before purchased credits, that stops counting at `expiresAt`.
 */
export function GrantPromotionForm({ userId, credits: creditsBefore }: { userId: string; /** The balance shown, for the optimistic one after the grant; absent: none. */ credits?: number }) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [grantPromotionalCredits] = useMutation(GrantPromotionalCreditsDocument);
  const client = useApolloClient();
  const checked = checkPromotion(draft);
  const form = useConfirmForm({
    checked,
    send: async ({ credits, reason, expiresAt }, idempotencyKey) => {
      // With the balance known, the page shows the balance after the grant at once (optimistic), and the old one again if the server refuses.
      const { data } = await grantPromotionalCredits({
        variables: { input: { userId, credits, reason, expiresAt, idempotencyKey } },
        ...(creditsBefore === undefined
          ? {}
          : { optimisticResponse: { grantPromotionalCredits: optimisticLedgerEntry({ userId, kind: 'PROMOTION', delta: credits, creditsBefore, reason }) } }),
        update: (cache, result) => writeBalanceAfter(cache, result.data?.grantPromotionalCredits),
      });
      const entry = data?.grantPromotionalCredits;
      if (!entry) return 'Promotional credits granted.';
      void refreshAfterCreditMovement(client, { userId: entry.userId, balance: { credits: entry.balanceAfter, at: entry.createdAt } }).catch(() => undefined);
      return `Granted ${formatCredits(entry.delta)} promotional credits. New balance: ${formatCredits(entry.balanceAfter)} credits.`;
    },
    onSent: () => setDraft(emptyDraft),
  });

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Grant promotional credits</h2>
      {form.step === 'edit' ? (
        <EditStepForm form={form} reviewLabel="Review promotion">
          <CreditsField id={`${id}-credits`} label="Promotional credits" value={draft.creditsText} onChange={(creditsText) => setDraft({ ...draft, creditsText })} problem={form.fieldProblems.credits} />
          <ReasonField
            id={`${id}-reason`}
            label="Reason for the promotion (required, shown to the user)"
            value={draft.reason}
            onChange={(reason) => setDraft({ ...draft, reason })}
            problem={form.fieldProblems.reason}
          />
          <Field id={`${id}-expires`} label="Expires on (optional)">
            <input
              id={`${id}-expires`}
              type="date"
              min={tomorrowInputValue()}
              value={draft.expiresOn}
              aria-describedby={`${id}-expires-hint`}
              onChange={(event) => setDraft({ ...draft, expiresOn: event.target.value })}
            />
            <p className="muted" id={`${id}-expires-hint`}>
              The credits stop counting when this day starts, in your time zone. Empty: they never expire.
            </p>
          </Field>
        </EditStepForm>
      ) : (
        checked.ok && (
          <MovementConfirmPanel
            form={form}
            heading={`Grant ${formatCredits(checked.credits)} promotional credits?`}
            userId={userId}
            reason={checked.reason}
            confirm={{ label: 'Confirm promotion', busyLabel: 'Granting…' }}
          >
            <dt>Expires</dt>
            <dd>{checked.expiresAt ? formatDateTime(checked.expiresAt) : 'Never'}</dd>
          </MovementConfirmPanel>
        )
      )}
    </section>
  );
}
