// @vitest-environment jsdom
/**
 * Proves the history page's states: loading, empty, an error in words, rows with kind, reason,
 * signed change and running balance, "Load more" appending the next page, and filters sent to the
 * API as the server expects them (kinds list, inclusive local-day range).
 */
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MyLedgerDocument } from '../../console/src/generated/graphql.ts';
import type { MyLedgerQuery, MyLedgerQueryVariables } from '../../console/src/generated/graphql.ts';
import { HistoryPage, historyPageSize } from '../../console/src/history/HistoryPage.tsx';
import { mockGraphQLError, mockResult } from './support/apolloMocks.ts';
import { connection, ledgerEntry, referenceUserId } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

afterEach(cleanup);

function ledgerPage(entries: ReturnType<typeof ledgerEntry>[], pageInfo: { hasNextPage: boolean; endCursor: string | null }): MyLedgerQuery {
  return { me: { __typename: 'User', id: referenceUserId, ledger: connection(entries, pageInfo, 'LedgerConnection') } };
}

const firstPage: MyLedgerQueryVariables = { first: historyPageSize, filter: {} };

describe('HistoryPage', () => {
  it('shows a loading state, then an empty state for a user without movements', async () => {
    renderWithApollo(<HistoryPage />, [mockResult(MyLedgerDocument, firstPage, ledgerPage([], { hasNextPage: false, endCursor: null }), { delay: 20 })]);
    expect(screen.getByText('Loading history…')).toBeTruthy();
    expect(await screen.findByText('No credit movements yet')).toBeTruthy();
  });

  it('explains an error in plain words', async () => {
    renderWithApollo(<HistoryPage />, [mockGraphQLError(MyLedgerDocument, firstPage, 'INTERNAL_SERVER_ERROR', 'relation "ledger" does not exist')]);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Something went wrong on our side');
    expect(alert.textContent).not.toContain('relation');
  });

  it('lists entries with kind, reason, signed change and running balance, and loads more', async () => {
    renderWithApollo(<HistoryPage />, [
      mockResult(
        MyLedgerDocument,
        firstPage,
        ledgerPage(
          [
            ledgerEntry({ id: 'e3', kind: 'ADJUSTMENT', delta: -20, balanceAfter: 79, reason: 'Goodwill correction', actor: 'user_admin', purchase: null }),
            ledgerEntry({ id: 'e2', kind: 'PURCHASE', delta: 71, balanceAfter: 99 }),
          ],
          { hasNextPage: true, endCursor: 'cursor_1' },
        ),
      ),
      mockResult(
        MyLedgerDocument,
        { ...firstPage, after: 'cursor_1' },
        ledgerPage([ledgerEntry({ id: 'e1', kind: 'SPEND', delta: -2, balanceAfter: 28, reason: 'API call', actor: 'service', purchase: null })], {
          hasNextPage: false,
          endCursor: 'cursor_2',
        }),
      ),
    ]);
    const rows = await screen.findAllByTestId('ledger-row');
    expect(rows).toHaveLength(2);
    const first = within(rows[0] as HTMLElement);
    expect(first.getByText('Adjustment')).toBeTruthy();
    expect(first.getByText('Goodwill correction')).toBeTruthy();
    expect(first.getByText('-20')).toBeTruthy();
    expect(first.getByText('79')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('+71')).toBeTruthy();
    expect(screen.getByText('Showing 2 entries')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('API call')).toBeTruthy();
    expect(screen.getAllByTestId('ledger-row')).toHaveLength(3);
    expect(screen.getByText('Showing 3 entries (all)')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('filters by kind and an inclusive date range', async () => {
    const from = new Date(2026, 10, 1).toISOString();
    const toExclusive = new Date(2026, 10, 25).toISOString();
    renderWithApollo(<HistoryPage />, [
      mockResult(MyLedgerDocument, firstPage, ledgerPage([ledgerEntry()], { hasNextPage: false, endCursor: 'cursor_0' })),
      mockResult(
        MyLedgerDocument,
        { first: historyPageSize, filter: { kinds: ['ADJUSTMENT'] } },
        ledgerPage([ledgerEntry({ id: 'adj', kind: 'ADJUSTMENT', reason: 'Only adjustments', purchase: null })], { hasNextPage: false, endCursor: 'c' }),
      ),
      mockResult(
        MyLedgerDocument,
        { first: historyPageSize, filter: { kinds: ['ADJUSTMENT'], from } },
        ledgerPage([ledgerEntry({ id: 'adj', kind: 'ADJUSTMENT', reason: 'Only adjustments', purchase: null })], { hasNextPage: false, endCursor: 'c' }),
      ),
      mockResult(
        MyLedgerDocument,
        { first: historyPageSize, filter: { kinds: ['ADJUSTMENT'], from, to: toExclusive } },
        ledgerPage([], { hasNextPage: false, endCursor: null }),
      ),
    ]);
    await screen.findByText('Bought 71 credits');
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'ADJUSTMENT' } });
    expect(await screen.findByText('Only adjustments')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-24' } });
    expect(await screen.findByText('No entries match these filters')).toBeTruthy();
  });
});
