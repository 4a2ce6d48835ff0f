// @vitest-environment jsdom
/**
 * Proves the admin's user page end to end against mocked answers: balance, purchases with their
 * status, ledger; an adjustment updates the balance at once and brings the new entry into the
 * ledger; a refund is bounded by the unspent credits and reports the server's amount; an unknown
 * id says so.
 */
import type { MockLink } from '@apollo/client/testing';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import AdminUserPage from '../../console/src/admin/user/AdminUserPage.tsx';
import { purchasesPageSize } from '../../console/src/admin/user/UserPurchases.tsx';
import { userLedgerPageSize } from '../../console/src/admin/user/UserLedger.tsx';
import {
  AdjustCreditsDocument,
  AdminUserDocument,
  AdminUserLedgerDocument,
  AdminUserPurchasesDocument,
  RefundAmountDocument,
  RefundTopUpDocument,
} from '../../console/src/generated/graphql.ts';
import type { AdminUserQuery, LedgerEntryFieldsFragment, PurchaseFieldsFragment } from '../../console/src/generated/graphql.ts';
import { mockResult } from './support/apolloMocks.ts';
import { connection, ledgerEntry, purchase, referenceUserId } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

afterEach(cleanup);

const id = referenceUserId;

function user(credits: number): AdminUserQuery {
  return {
    user: {
      __typename: 'User',
      id,
      email: 'reference@example.com',
      credits,
      debt: Math.max(0, -credits),
      lastCreditUpdate: '2026-11-24T01:22:07.123Z',
      createdAt: '2026-11-01T00:00:00.000Z',
    },
  };
}

function purchasesAnswer(purchases: PurchaseFieldsFragment[]) {
  return mockResult(AdminUserPurchasesDocument, { id, first: purchasesPageSize }, {
    user: { __typename: 'User', id, purchases: connection(purchases, { hasNextPage: false, endCursor: null }, 'PurchaseConnection') },
  });
}

function ledgerAnswer(entries: LedgerEntryFieldsFragment[]) {
  return mockResult(AdminUserLedgerDocument, { id, first: userLedgerPageSize }, {
    user: { __typename: 'User', id, ledger: connection(entries, { hasNextPage: false, endCursor: null }, 'LedgerConnection') },
  });
}

const purchaseEntry = ledgerEntry({ id: 'e_purchase', delta: 71, balanceAfter: 99 });

describe('AdminUserPage', () => {
  it('shows the balance, the purchases with status, and the ledger with actors', async () => {
    renderWithApollo(<AdminUserPage userId={id} />, [
      mockResult(AdminUserDocument, { id }, user(99)),
      purchasesAnswer([purchase(), purchase({ sessionId: 'cs_test_failed', status: 'FAILED', creditsGranted: 0, refundableCredits: 0, paidAt: null })]),
      ledgerAnswer([purchaseEntry]),
    ]);
    expect((await screen.findByTestId('user-balance')).textContent).toBe('99 credits');
    const purchaseRows = await screen.findAllByTestId('purchase-row');
    expect(within(purchaseRows[0] as HTMLElement).getByText('Paid')).toBeTruthy();
    expect(within(purchaseRows[0] as HTMLElement).getByText('$0.71')).toBeTruthy();
    expect(within(purchaseRows[1] as HTMLElement).getByText('Failed')).toBeTruthy();
    expect(within(purchaseRows[1] as HTMLElement).queryByRole('button')).toBeNull();
    const ledgerRow = (await screen.findAllByTestId('ledger-row'))[0] as HTMLElement;
    expect(within(ledgerRow).getByText('stripe')).toBeTruthy();
  });

  it('adjusts with a reason: the balance updates at once and the new entry tops the ledger', async () => {
    const adjustment = ledgerEntry({ id: 'e_adjust', kind: 'ADJUSTMENT', delta: 50, balanceAfter: 149, reason: 'Support ticket 42', actor: 'user_admin', purchase: null });
    const adjustAnswer: MockLink.MockedResponse = {
      request: { query: AdjustCreditsDocument, variables: (variables: Record<string, { reason?: string }>) => variables.input?.reason === 'Support ticket 42' },
      result: { data: { adjustCredits: adjustment } },
      delay: 0,
    };
    renderWithApollo(<AdminUserPage userId={id} />, [
      mockResult(AdminUserDocument, { id }, user(99)),
      purchasesAnswer([]),
      ledgerAnswer([purchaseEntry]),
      adjustAnswer,
      ledgerAnswer([adjustment, purchaseEntry]),
      purchasesAnswer([]),
    ]);
    await screen.findByText('No purchases yet');
    fireEvent.change(await screen.findByLabelText('Credits'), { target: { value: '50' } });
    fireEvent.change(screen.getByLabelText('Reason (required, shown to the user)'), { target: { value: 'Support ticket 42' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review adjustment' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm adjustment' }));

    expect(await screen.findByText('Adjustment saved: +50 credits. New balance: 149 credits.')).toBeTruthy();
    expect(screen.getByTestId('user-balance').textContent).toBe('149 credits');
    expect(await screen.findByText('Support ticket 42')).toBeTruthy();
    expect(screen.getAllByTestId('ledger-row')).toHaveLength(2);
  });

  it('puts the balance back when the server refuses an adjustment (the optimistic one is not kept)', async () => {
    // Proves the optimistic balance lives only in Apollo's optimistic layer: the server refuses
    // (INSUFFICIENT_CREDITS stands for any refusal), and the page shows 99 again with the reason.
    // That the balance moves before the answer is seen in the browser journey (desktopConsole).
    const refusal: MockLink.MockedResponse = {
      request: { query: AdjustCreditsDocument, variables: () => true },
      result: { errors: [new GraphQLError('refused', { extensions: { code: 'INSUFFICIENT_CREDITS' } })] },
      delay: 0,
    };
    renderWithApollo(<AdminUserPage userId={id} />, [mockResult(AdminUserDocument, { id }, user(99)), purchasesAnswer([]), ledgerAnswer([purchaseEntry]), refusal]);
    await screen.findByText('No purchases yet');
    fireEvent.change(await screen.findByLabelText('Credits'), { target: { value: '50' } });
    fireEvent.change(screen.getByLabelText('Reason (required, shown to the user)'), { target: { value: 'Support ticket 43' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review adjustment' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm adjustment' }));
    expect(await screen.findByText(/^Not enough credits/)).toBeTruthy();
    expect(screen.getByTestId('user-balance').textContent).toBe('99 credits');
    expect(screen.getByRole('button', { name: 'Confirm adjustment' }), 'the confirmation stays, to send again').toBeTruthy();
  });

  it('shows the money the server says the refund returns before the admin confirms', async () => {
    // Proves the confirmation asks the server for the amount of the chosen credits (a third of
    // $1.00 rounds down to $0.33) and shows it before "Confirm refund" is pressed.
    renderWithApollo(<AdminUserPage userId={id} />, [
      mockResult(AdminUserDocument, { id }, user(30)),
      purchasesAnswer([purchase({ refundableCredits: 30 })]),
      ledgerAnswer([purchaseEntry]),
      mockResult(RefundAmountDocument, { sessionId: 'cs_test_71', credits: 10 }, {
        purchase: { __typename: 'Purchase', sessionId: 'cs_test_71', currency: 'usd', presentmentCurrency: null, refundableAmountMinor: 33 },
      }),
    ]);
    fireEvent.click(await screen.findByRole('button', { name: 'Refund purchase cs_test_71' }));
    fireEvent.change(screen.getByLabelText('Credits to refund'), { target: { value: '10' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review refund' }));
    const confirmation = screen.getByRole('group', { name: 'Refund 10 credits?' });
    expect((await within(confirmation).findByText('$0.33')).tagName).toBe('STRONG');
    expect(within(confirmation).getByText(/Amount refunded/)).toBeTruthy();
    expect(screen.queryByText(/Refund requested/)).toBeNull();
  });

  it('refunds at most the unspent credits and reports the amount the server refunded', async () => {
    // 71 were bought but the user has only 30 left: the server says 30 are refundable.
    const refundable = purchase({ refundableCredits: 30 });
    const refunded = purchase({ status: 'PARTIALLY_REFUNDED', amountRefundedMinor: 30, refundableCredits: 0 });
    renderWithApollo(<AdminUserPage userId={id} />, [
      mockResult(AdminUserDocument, { id }, user(30)),
      purchasesAnswer([refundable]),
      ledgerAnswer([purchaseEntry]),
      mockResult(
        RefundTopUpDocument,
        { input: { sessionId: 'cs_test_71', credits: 30 } },
        { refundTopUp: { __typename: 'RefundResult', refundId: 're_1', amountMinor: 30, currency: 'usd', credits: 30, purchase: refunded } },
      ),
      mockResult(RefundAmountDocument, { sessionId: 'cs_test_71', credits: 30 }, {
        purchase: { __typename: 'Purchase', sessionId: 'cs_test_71', currency: 'usd', presentmentCurrency: null, refundableAmountMinor: 30 },
      }),
      mockResult(AdminUserDocument, { id }, user(30)),
      purchasesAnswer([refunded]),
      ledgerAnswer([purchaseEntry]),
    ]);
    fireEvent.click(await screen.findByRole('button', { name: 'Refund purchase cs_test_71' }));
    const field = screen.getByLabelText('Credits to refund') as HTMLInputElement;
    // The bound is the server's `refundableCredits`, not a rule computed here.
    expect(field.value).toBe('30');
    fireEvent.change(field, { target: { value: '31' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review refund' }));
    expect(within(screen.getByRole('form', { name: 'Refund cs_test_71' })).getByRole('alert').textContent).toContain('from 1 to 30');
    fireEvent.change(field, { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review refund' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm refund' }));
    expect(await screen.findByText(/Refund requested: \$0\.30 for 30 credits/)).toBeTruthy();
  });

  it('says so when no user has the id', async () => {
    renderWithApollo(<AdminUserPage userId="user_missing" />, [
      mockResult(AdminUserDocument, { id: 'user_missing' }, { user: null }),
    ]);
    expect(await screen.findByText('No user with id user_missing')).toBeTruthy();
  });
});
