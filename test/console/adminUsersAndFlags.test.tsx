// @vitest-environment jsdom
/**
 * Proves the admin users list (search debounced into the query, sort, empty result, paging) and
 * the flags page (flagged purchases with their reason; users in debt cut where the balance reaches
 * zero).
 */
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import AdminFlagsPage from '../../console/src/admin/flags/AdminFlagsPage.tsx';
import { debtPageSize } from '../../console/src/admin/flags/UsersInDebtSection.tsx';
import { flaggedPageSize } from '../../console/src/admin/flags/FlaggedPurchasesSection.tsx';
import AdminUsersPage, { adminUsersPageSize } from '../../console/src/admin/users/AdminUsersPage.tsx';
import { AdminUsersDocument, FlaggedPurchasesDocument, UsersInDebtDocument } from '../../console/src/generated/graphql.ts';
import type { AdminUsersQuery, UsersInDebtQuery } from '../../console/src/generated/graphql.ts';
import { mockResult } from './support/apolloMocks.ts';
import { connection, purchase, referenceUserId } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

afterEach(cleanup);

type ListedUser = AdminUsersQuery['users']['edges'][number]['node'];

function listedUser(id: string, credits: number): ListedUser {
  return { __typename: 'User', id, email: `${id}@example.com`, credits, debt: Math.max(0, -credits), lastCreditUpdate: null, createdAt: '2026-11-01T00:00:00.000Z' };
}

describe('AdminUsersPage', () => {
  it('searches (debounced), sorts, pages, and says when nothing matches', async () => {
    const users = (nodes: ListedUser[], hasNextPage = false, endCursor: string | null = null): AdminUsersQuery => ({
      users: connection(nodes, { hasNextPage, endCursor }, 'UserConnection'),
    });
    renderWithApollo(<AdminUsersPage />, [
      mockResult(AdminUsersDocument, { search: null, sort: 'LAST_CREDIT_UPDATE_DESC', first: adminUsersPageSize }, users([listedUser(referenceUserId, 99)], true, 'u1')),
      mockResult(AdminUsersDocument, { search: null, sort: 'LAST_CREDIT_UPDATE_DESC', first: adminUsersPageSize, after: 'u1' }, users([listedUser('user_b', 5)])),
      mockResult(AdminUsersDocument, { search: null, sort: 'CREDITS_ASC', first: adminUsersPageSize }, users([listedUser('user_debtor', -12), listedUser(referenceUserId, 99)])),
      mockResult(AdminUsersDocument, { search: 'nobody', sort: 'CREDITS_ASC', first: adminUsersPageSize }, users([])),
    ]);
    expect(await screen.findByRole('link', { name: referenceUserId })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: 'user_b' })).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'CREDITS_ASC' } });
    expect(await screen.findByRole('link', { name: 'user_debtor' })).toBeTruthy();
    const first = screen.getAllByTestId('user-row')[0] as HTMLElement;
    expect(within(first).getByText('-12')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Search by id or email'), { target: { value: 'nobody' } });
    expect(await screen.findByText('No user matches “nobody”')).toBeTruthy();
  });
});

describe('AdminFlagsPage', () => {
  it('lists flagged purchases with the reason, and only the users whose balance is below zero', async () => {
    const debtors: UsersInDebtQuery = {
      users: connection(
        [
          { ...listedUser('user_owes', -40), email: null, lastCreditUpdate: '2026-11-24T01:22:07.123Z' },
          { ...listedUser('user_zero', 0), email: null },
        ],
        { hasNextPage: true, endCursor: 'd1' },
        'UserConnection',
      ),
    };
    renderWithApollo(<AdminFlagsPage />, [
      mockResult(
        FlaggedPurchasesDocument,
        { first: flaggedPageSize },
        {
          flaggedPurchases: connection(
            [
              purchase({ sessionId: 'cs_legacy', flagReason: 'Paid $0.50 for 71 credits (needs $0.71)', creditsGranted: 0 }),
              purchase({
                sessionId: 'cs_converted',
                amountMinor: 1000,
                presentmentCurrency: 'eur',
                presentmentAmountMinor: 920,
                flagReason: 'Charged in eur, recorded in usd',
                creditsGranted: 0,
              }),
            ],
            { hasNextPage: false, endCursor: null },
            'PurchaseConnection',
          ),
        },
      ),
      mockResult(UsersInDebtDocument, { first: debtPageSize }, debtors),
    ]);
    const [flagged, converted] = (await screen.findAllByTestId('flagged-row')) as [HTMLElement, HTMLElement];
    expect(within(flagged).getByText('Paid $0.50 for 71 credits (needs $0.71)')).toBeTruthy();
    // Charged in the recorded currency: nothing else to show. Converted by Adaptive Pricing: the
    // amount and currency charged stand beside the recorded amount.
    expect(cellOf(flagged, 'Charged').textContent).toBe('—');
    expect(cellOf(converted, 'Amount').textContent).toBe('$10.00');
    expect(cellOf(converted, 'Charged').textContent).toBe('€9.20');
    const debtorRows = await screen.findAllByTestId('debtor-row');
    expect(debtorRows).toHaveLength(1);
    expect(within(debtorRows[0] as HTMLElement).getByText('40 credits')).toBeTruthy();
    // A user at zero was reached: nobody further down the list owes anything.
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('says when nothing needs attention', async () => {
    renderWithApollo(<AdminFlagsPage />, [
      mockResult(FlaggedPurchasesDocument, { first: flaggedPageSize }, { flaggedPurchases: connection([], { hasNextPage: false, endCursor: null }, 'PurchaseConnection') }),
      mockResult(UsersInDebtDocument, { first: debtPageSize }, { users: connection([], { hasNextPage: false, endCursor: null }, 'UserConnection') }),
    ]);
    expect(await screen.findByText('Nothing flagged')).toBeTruthy();
    expect(await screen.findByText('No one is in debt')).toBeTruthy();
  });
});

function cellOf(row: HTMLElement, label: string): HTMLElement {
  const cell = row.querySelector<HTMLElement>(`td[data-label="${label}"]`);
  if (!cell) throw new Error(`No "${label}" cell in the row.`);
  return cell;
}
