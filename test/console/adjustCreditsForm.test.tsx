// @vitest-environment jsdom
/**
 * Proves the admin's credit adjustment: a reason is required, nothing is sent before the
 * confirmation step, a double click on "Confirm" sends one request, a retry after a failure reuses
 * the same idempotency key (so the server can answer it without a second effect), editing again
 * makes a new key, and INSUFFICIENT_CREDITS reads "Not enough credits".
 */
import type { MockLink } from '@apollo/client/testing';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AdjustCreditsForm, checkAdjustment } from '../../console/src/admin/user/AdjustCreditsForm.tsx';
import { AdjustCreditsDocument } from '../../console/src/generated/graphql.ts';
import type { AdjustCreditsMutationVariables } from '../../console/src/generated/graphql.ts';
import { ledgerEntry, referenceUserId } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

afterEach(cleanup);

type Answer = { kind: 'data'; balanceAfter: number } | { kind: 'network' } | { kind: 'code'; code: string };

/** Answers AdjustCredits in order, recording the variables of every request that reached the "server". */
function adjustMocks(answers: Answer[], received: AdjustCreditsMutationVariables[]): MockLink.MockedResponse[] {
  return answers.map((answer) => ({
    request: { query: AdjustCreditsDocument, variables: () => true },
    delay: 10,
    ...(answer.kind === 'network'
      ? { error: new TypeError('Failed to fetch') }
      : {
          result: (variables: AdjustCreditsMutationVariables) => {
            received.push(variables);
            if (answer.kind === 'code') return { data: null, errors: [{ message: answer.code, extensions: { code: answer.code } }] };
            return {
              data: {
                adjustCredits: ledgerEntry({
                  id: 'adj_1',
                  kind: 'ADJUSTMENT',
                  delta: variables.input.delta,
                  balanceAfter: answer.balanceAfter,
                  reason: variables.input.reason,
                  actor: 'user_admin',
                  purchase: null,
                }),
              },
            };
          },
        }),
  }));
}

function fillIn({ amount, reason, remove = false }: { amount: string; reason: string; remove?: boolean }) {
  if (remove) fireEvent.click(screen.getByLabelText('Remove credits'));
  fireEvent.change(screen.getByLabelText('Credits'), { target: { value: amount } });
  fireEvent.change(screen.getByLabelText('Reason (required, shown to the user)'), { target: { value: reason } });
  fireEvent.click(screen.getByRole('button', { name: 'Review adjustment' }));
}

/** The problem shown under the field labelled `label` (its aria-describedby), or null when none. */
function problemOf(label: string): string | null {
  const control = screen.getByLabelText(label);
  const describedBy = control.getAttribute('aria-describedby');
  if (describedBy === null) return null;
  expect(control.getAttribute('aria-invalid')).toBe('true');
  return document.getElementById(describedBy)?.textContent ?? null;
}

describe('AdjustCreditsForm', () => {
  it('requires a reason and a positive whole amount before anything is sent', () => {
    const received: AdjustCreditsMutationVariables[] = [];
    renderWithApollo(<AdjustCreditsForm userId={referenceUserId} credits={99} />, adjustMocks([], received));
    fillIn({ amount: '50', reason: '   ' });
    expect(problemOf('Reason (required, shown to the user)')).toBe('Give a reason: the user sees it in their history.');
    expect(problemOf('Credits')).toBeNull();
    fillIn({ amount: '0', reason: 'x' });
    expect(problemOf('Credits')).toBe('Enter a whole number of credits, more than zero.');
    expect(problemOf('Reason (required, shown to the user)')).toBeNull();
    fillIn({ amount: '150', reason: 'Too much', remove: true });
    expect(problemOf('Credits')).toBe('Not enough credits: the balance is 99.');
    expect(received).toHaveLength(0);
  });

  it('shows a credits problem under the credits field, and an empty submit names both missing fields', () => {
    // Proves each problem is tied to its own field (aria-describedby, and placed in that field's
    // box, not under the reason box), and an empty submit says that the credits and the reason are missing.
    renderWithApollo(<AdjustCreditsForm userId={referenceUserId} credits={99} />, adjustMocks([], []));
    fireEvent.click(screen.getByRole('button', { name: 'Review adjustment' }));
    expect(problemOf('Credits')).toBe('Enter the number of credits.');
    expect(problemOf('Reason (required, shown to the user)')).toBe('Give a reason: the user sees it in their history.');
    const credits = screen.getByLabelText('Credits');
    const creditsProblem = document.getElementById(credits.getAttribute('aria-describedby')!)!;
    expect(creditsProblem.closest('.field')).toBe(credits.closest('.field'));
    expect(creditsProblem.closest('.field')!.contains(screen.getByLabelText('Reason (required, shown to the user)'))).toBe(false);
    // Nothing is repeated under the buttons.
    const alerts = screen.getAllByRole('alert').map((alert) => alert.textContent).filter(Boolean);
    expect(alerts).toEqual(['Enter the number of credits.', 'Give a reason: the user sees it in their history.']);
  });

  it('confirms first, then sends once even when "Confirm" is clicked twice', async () => {
    const received: AdjustCreditsMutationVariables[] = [];
    renderWithApollo(<AdjustCreditsForm userId={referenceUserId} credits={99} />, adjustMocks([{ kind: 'data', balanceAfter: 149 }], received));
    fillIn({ amount: '50', reason: 'Support ticket 42' });
    expect(screen.getByRole('heading', { name: 'Add 50 credits?' })).toBeTruthy();
    expect(screen.getByText('99 → 149 credits')).toBeTruthy();
    expect(received).toHaveLength(0);

    const confirm = screen.getByRole('button', { name: 'Confirm adjustment' });
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    expect(await screen.findByText('Adjustment saved: +50 credits. New balance: 149 credits.')).toBeTruthy();
    expect(received).toHaveLength(1);
    expect(received[0]?.input).toMatchObject({ userId: referenceUserId, delta: 50, reason: 'Support ticket 42' });
    expect(received[0]?.input.idempotencyKey).toMatch(/^console-/);
  });

  it('retries a failed send with the same idempotency key, and a new submission gets a new key', async () => {
    const received: AdjustCreditsMutationVariables[] = [];
    renderWithApollo(
      <AdjustCreditsForm userId={referenceUserId} credits={99} />,
      adjustMocks([{ kind: 'code', code: 'INTERNAL_SERVER_ERROR' }, { kind: 'data', balanceAfter: 79 }, { kind: 'data', balanceAfter: 89 }], received),
    );
    fillIn({ amount: '20', reason: 'Refund by hand', remove: true });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm adjustment' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Something went wrong on our side');
    fireEvent.click(screen.getByRole('button', { name: 'Confirm adjustment' }));
    expect(await screen.findByText('Adjustment saved: -20 credits. New balance: 79 credits.')).toBeTruthy();
    expect(received).toHaveLength(2);
    expect(received[1]?.input.idempotencyKey).toBe(received[0]?.input.idempotencyKey);

    fillIn({ amount: '10', reason: 'Second correction' });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm adjustment' }));
    expect(await screen.findByText('Adjustment saved: +10 credits. New balance: 89 credits.')).toBeTruthy();
    expect(received[2]?.input.idempotencyKey).not.toBe(received[0]?.input.idempotencyKey);
  });

  it('says "Not enough credits" when the server refuses to overdraw', async () => {
    const received: AdjustCreditsMutationVariables[] = [];
    renderWithApollo(<AdjustCreditsForm userId={referenceUserId} credits={99} />, adjustMocks([{ kind: 'code', code: 'INSUFFICIENT_CREDITS' }], received));
    fillIn({ amount: '99', reason: 'Close account', remove: true });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm adjustment' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Not enough credits');
  });

  it('checks drafts as a pure function', () => {
    expect(checkAdjustment({ direction: 'remove', amountText: '5', reason: 'x' }, -3)).toEqual({
      ok: false,
      message: 'Not enough credits: the balance is -3.',
      fields: { credits: 'Not enough credits: the balance is -3.' },
    });
    expect(checkAdjustment({ direction: 'add', amountText: '5', reason: ' why ' }, -3)).toEqual({ ok: true, delta: 5, reason: 'why' });
  });
});
