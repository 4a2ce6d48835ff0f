// @vitest-environment jsdom
/**
 * Proves the console's side of credit lots and holds against mocked API answers: the history names
 * promotions, expiries and captures in a user's words, with the lots each entry used or made
 * ("From 5 promotional credits expiring 24 Dec and 2 purchased credits"); the billing page lists the user's lots in
 * the server's order with what expires when ("120 promotional credits expire on 5 Jan") and what
 * holds keep aside; the admin user page lists lots and holds with their status, and grants
 * promotional credits only after validation and a confirmation, sending the chosen day as an ISO
 * instant with one idempotency key, and showing the server's refusal in words; after a grant the
 * lots on screen are fetched again (refreshAfterCreditMovement); the admin ledger's kind filter
 * offers the new kinds from the vocabulary.
 */
import type { MockLink } from '@apollo/client/testing';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkPromotion, GrantPromotionForm } from '../../console/src/admin/user/GrantPromotionForm.tsx';
import { UserHolds } from '../../console/src/admin/user/UserHolds.tsx';
import { UserLots } from '../../console/src/admin/user/UserLots.tsx';
import { LotsCard } from '../../console/src/billing/LotsCard.tsx';
import { startOfLocalDay } from '../../console/src/format/formatDate.ts';
import {
  AdminUserHoldsDocument,
  AdminUserLotsDocument,
  GrantPromotionalCreditsDocument,
  MyLedgerDocument,
  MyLotsDocument,
} from '../../console/src/generated/graphql.ts';
import type { AdminUserLotsQuery, CreditLotFieldsFragment, GrantPromotionalCreditsMutationVariables, MyLedgerQuery } from '../../console/src/generated/graphql.ts';
import { HistoryPage, historyPageSize } from '../../console/src/history/HistoryPage.tsx';
import { LedgerFilterFields, emptyLedgerFilter } from '../../console/src/ledger/LedgerFilterFields.tsx';
import { describeLot } from '../../console/src/lots/describeLot.ts';
import { mockGraphQLError, mockResult } from './support/apolloMocks.ts';
import { connection, creditHold, creditLot, ledgerEntry, myLots, referenceUserId } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const id = referenceUserId;
const now = new Date(2026, 11, 1, 12, 0);

function inBritishEnglish() {
  vi.spyOn(navigator, 'language', 'get').mockReturnValue('en-GB');
}

describe('lots in words', () => {
  it('says what expires when, what never does, and what a partly used or past lot started with', () => {
    inBritishEnglish();
    const fifthOfJanuary = new Date(2027, 0, 5).toISOString();
    expect(describeLot(creditLot({ kind: 'PROMOTION', credits: 120, remaining: 120, expiresAt: new Date(2026, 11, 24).toISOString() }), now)).toBe(
      '120 promotional credits expire on 24 Dec',
    );
    expect(describeLot(creditLot({ kind: 'PROMOTION', credits: 120, remaining: 120, expiresAt: fifthOfJanuary }), now)).toBe(
      '120 promotional credits expire on 5 Jan 2027',
    );
    expect(describeLot(creditLot({ kind: 'PURCHASE', credits: 500, remaining: 460 }), now)).toBe('460 purchased credits (of 500), no expiry');
    expect(describeLot(creditLot({ kind: 'PROMOTION', credits: 50, remaining: 0, expiresAt: new Date(2026, 10, 30).toISOString() }), now)).toBe(
      '0 promotional credits (of 50) expired on 30 Nov',
    );
  });
});

describe('HistoryPage with lots', () => {
  it('names promotions, expiries and captured holds in a user’s words', async () => {
    const page: MyLedgerQuery = {
      me: {
        __typename: 'User',
        id,
        ledger: connection(
          [
            ledgerEntry({
              id: 'e3',
              kind: 'SPEND',
              delta: -7,
              balanceAfter: 141,
              reason: 'Render job 7',
              actor: 'service:1a2b3c4d',
              purchase: null,
              lotChanges: [
                { __typename: 'LotChange', lotId: '2', lotKind: 'PROMOTION', lotExpiresAt: new Date(2026, 11, 24).toISOString(), credits: -5 },
                { __typename: 'LotChange', lotId: '1', lotKind: 'PURCHASE', lotExpiresAt: null, credits: -2 },
              ],
            }),
            ledgerEntry({
              id: 'e2',
              kind: 'EXPIRY',
              delta: -30,
              balanceAfter: 148,
              reason: '30 credits expired (lot 7, 2026-11-30T23:00:00.000Z)',
              actor: 'system',
              purchase: null,
              lotChanges: [{ __typename: 'LotChange', lotId: '7', lotKind: 'PROMOTION', lotExpiresAt: new Date(2026, 10, 30, 23).toISOString(), credits: -30 }],
            }),
            ledgerEntry({
              id: 'e1',
              kind: 'PROMOTION',
              delta: 120,
              balanceAfter: 178,
              reason: 'Welcome offer',
              actor: 'user_admin',
              purchase: null,
              lotChanges: [{ __typename: 'LotChange', lotId: '2', lotKind: 'PROMOTION', lotExpiresAt: new Date(2026, 11, 24).toISOString(), credits: 120 }],
            }),
          ],
          { hasNextPage: false, endCursor: null },
          'LedgerConnection',
        ),
      },
    };
    inBritishEnglish();
    vi.useFakeTimers({ now, toFake: ['Date'] });
    renderWithApollo(<HistoryPage />, [mockResult(MyLedgerDocument, { first: historyPageSize, filter: {} }, page)]);
    const rows = await screen.findAllByTestId('ledger-row');
    expect(within(rows[0] as HTMLElement).getByText('Usage')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByText('From 5 promotional credits expiring 24 Dec and 2 purchased credits')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('Expired credits')).toBeTruthy();
    // The expiry's own sentence stands in for the server's reason, which names lot ids and instants.
    expect(within(rows[1] as HTMLElement).getByText('30 promotional credits expired on 30 Nov')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).queryByText(/lot 7/)).toBeNull();
    expect(within(rows[2] as HTMLElement).getByText('Promotional credits')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('Welcome offer')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('Expire on 24 Dec')).toBeTruthy();
    vi.useRealTimers();
  });

  it('offers the new kinds in the kind filter, from the vocabulary', () => {
    renderWithApollo(<LedgerFilterFields values={emptyLedgerFilter} onChange={() => undefined} />, []);
    const options = within(screen.getByLabelText('Kind')).getAllByRole('option').map((option) => [option.getAttribute('value'), option.textContent]);
    expect(options).toContainEqual(['PROMOTION', 'Promotional credits']);
    expect(options).toContainEqual(['EXPIRY', 'Expired credits']);
    expect(options).toContainEqual(['SPEND', 'Usage']);
  });
});

describe('LotsCard (billing page)', () => {
  it('lists the lots in the server’s order with what expires when, and what holds keep aside', async () => {
    inBritishEnglish();
    const expiresAt = new Date(Date.now() + 7 * 86_400_000);
    renderWithApollo(<LotsCard />, [
      mockResult(
        MyLotsDocument,
        {},
        myLots({
          credits: 620,
          availableCredits: 610,
          heldCredits: 10,
          lots: [
            creditLot({ id: 'lot_promo', kind: 'PROMOTION', credits: 120, remaining: 120, expiresAt: expiresAt.toISOString(), purchase: null }),
            creditLot({ id: 'lot_bought', kind: 'PURCHASE', credits: 500, remaining: 500 }),
          ],
        }),
      ),
    ]);
    const items = within(await screen.findByTestId('lots')).getAllByRole('listitem');
    const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(expiresAt.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }) }).format(expiresAt);
    expect(items.map((item) => item.textContent)).toEqual([`120 promotional credits expire on ${day}`, '500 purchased credits, no expiry']);
    expect(screen.getByTestId('held-credits').textContent).toBe('610 credits available; 10 reserved for usage in progress.');
  });

  it('says so when the user has no credits yet, and mentions no holds when none are active', async () => {
    renderWithApollo(<LotsCard />, [mockResult(MyLotsDocument, {}, myLots({ credits: 0, availableCredits: 0, lots: [] }))]);
    expect(await screen.findByText('No credits yet')).toBeTruthy();
    expect(screen.queryByTestId('held-credits')).toBeNull();
  });
});

function adminLots(lots: CreditLotFieldsFragment[], held = 0, credits = 28): AdminUserLotsQuery {
  return { user: { __typename: 'User', id, credits, availableCredits: credits - held, heldCredits: held, lots } };
}

describe('UserLots and UserHolds (admin user page)', () => {
  it('lists lots with kind, remaining, expiry and purchase, and holds with their status', async () => {
    renderWithApollo(
      <>
        <UserLots userId={id} />
        <UserHolds userId={id} />
      </>,
      [
        mockResult(
          AdminUserLotsDocument,
          { id },
          adminLots(
            [
              creditLot({ id: 'lot_promo', kind: 'PROMOTION', credits: 120, remaining: 90, expiresAt: '2026-12-08T00:00:00.000Z', purchase: null }),
              creditLot({ id: 'lot_bought', kind: 'PURCHASE', credits: 71, remaining: 71 }),
            ],
            10,
            161,
          ),
        ),
        mockResult(AdminUserHoldsDocument, { id }, {
          user: {
            __typename: 'User',
            id,
            holds: [creditHold({ id: 'hold_2' }), creditHold({ id: 'hold_1', status: 'CAPTURED', capturedCredits: 7 }), creditHold({ id: 'hold_0', status: 'EXPIRED' })],
          },
        }),
      ],
    );
    expect((await screen.findByTestId('user-available')).textContent).toBe('151 available, 10 held.');
    const lotsTable = screen.getByRole('table', { name: `Lots of ${id}, in the order spends use them` });
    const lotRows = within(lotsTable).getAllByRole('row').slice(1);
    expect(within(lotRows[0] as HTMLElement).getByText('Promotional')).toBeTruthy();
    expect(within(lotRows[0] as HTMLElement).getByText('90')).toBeTruthy();
    expect(within(lotRows[1] as HTMLElement).getByText('Purchased')).toBeTruthy();
    expect(within(lotRows[1] as HTMLElement).getByText('Never')).toBeTruthy();
    expect(within(lotRows[1] as HTMLElement).getByText('cs_test_71')).toBeTruthy();

    const holdsTable = await screen.findByRole('table', { name: `Holds of ${id}, newest first` });
    const holdRows = within(holdsTable).getAllByRole('row').slice(1);
    expect(holdRows.map((row) => within(row as HTMLElement).getAllByRole('cell')[0]?.textContent)).toEqual(['Active (reserved)', 'Captured', 'Expired']);
    expect(within(holdRows[1] as HTMLElement).getByText('7')).toBeTruthy();
  });
});

describe('GrantPromotionForm', () => {
  const expiresOn = '2026-12-08';

  it('validates credits, reason and a future expiry before anything is sent', () => {
    expect(checkPromotion({ creditsText: '0', reason: 'x', expiresOn: '' }, now)).toEqual({
      ok: false,
      message: 'Enter a whole number of credits, more than zero.',
      fields: { credits: 'Enter a whole number of credits, more than zero.' },
    });
    expect(checkPromotion({ creditsText: '120', reason: ' ', expiresOn: '' }, now)).toEqual({
      ok: false,
      message: 'Give a reason: the user sees it in their history.',
      fields: { reason: 'Give a reason: the user sees it in their history.' },
    });
    expect(checkPromotion({ creditsText: '120', reason: 'Offer', expiresOn: '2026-12-01' }, now)).toEqual({ ok: false, message: 'The expiry must be a day after today.' });
    expect(checkPromotion({ creditsText: '120', reason: 'Offer', expiresOn: '' }, now)).toEqual({ ok: true, credits: 120, reason: 'Offer', expiresAt: null });
    expect(checkPromotion({ creditsText: '120', reason: 'Offer', expiresOn }, now)).toEqual({
      ok: true,
      credits: 120,
      reason: 'Offer',
      expiresAt: new Date(2026, 11, 8).toISOString(),
    });
  });

  function fillIn(values: { credits: string; reason: string; expiresOn?: string }) {
    fireEvent.change(screen.getByLabelText('Promotional credits'), { target: { value: values.credits } });
    fireEvent.change(screen.getByLabelText('Reason for the promotion (required, shown to the user)'), { target: { value: values.reason } });
    if (values.expiresOn !== undefined) fireEvent.change(screen.getByLabelText('Expires on (optional)'), { target: { value: values.expiresOn } });
    fireEvent.click(screen.getByRole('button', { name: 'Review promotion' }));
  }

  it('sends once after the confirmation, with the chosen day as an ISO instant, then the lots on screen are fetched again', async () => {
    const future = new Date();
    future.setDate(future.getDate() + 7);
    const day = `${future.getFullYear()}-${String(future.getMonth() + 1).padStart(2, '0')}-${String(future.getDate()).padStart(2, '0')}`;
    const received: GrantPromotionalCreditsMutationVariables[] = [];
    const grant: MockLink.MockedResponse = {
      request: { query: GrantPromotionalCreditsDocument, variables: () => true },
      delay: 10,
      result: (variables: GrantPromotionalCreditsMutationVariables) => {
        received.push(variables);
        return {
          data: {
            grantPromotionalCredits: ledgerEntry({ id: 'promo_1', kind: 'PROMOTION', delta: 120, balanceAfter: 148, reason: variables.input.reason, actor: 'user_admin', purchase: null }),
          },
        };
      },
    };
    const promoLot = creditLot({ id: 'lot_promo', kind: 'PROMOTION', credits: 120, remaining: 120, expiresAt: startOfLocalDay(day), purchase: null });
    renderWithApollo(
      <>
        <GrantPromotionForm userId={id} />
        <UserLots userId={id} />
      </>,
      [
        mockResult(AdminUserLotsDocument, { id }, adminLots([creditLot({ id: 'lot_opening', credits: 28, remaining: 28, purchase: null })])),
        grant,
        mockResult(AdminUserLotsDocument, { id }, adminLots([promoLot, creditLot({ id: 'lot_opening', credits: 28, remaining: 28, purchase: null })], 0, 148)),
      ],
    );
    expect(await screen.findByText('28 available, 0 held.')).toBeTruthy();
    fillIn({ credits: '120', reason: 'Welcome offer', expiresOn: day });
    expect(screen.getByRole('heading', { name: 'Grant 120 promotional credits?' })).toBeTruthy();
    expect(received).toHaveLength(0);
    const confirm = screen.getByRole('button', { name: 'Confirm promotion' });
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    expect((await screen.findByRole('status')).textContent).toBe('Granted 120 promotional credits. New balance: 148 credits.');
    expect(received).toHaveLength(1);
    expect(received[0]?.input).toMatchObject({ userId: id, credits: 120, reason: 'Welcome offer', expiresAt: startOfLocalDay(day) });
    expect(received[0]?.input.idempotencyKey).toMatch(/^console-/);
    await waitFor(() => expect(screen.getByText('148 available, 0 held.')).toBeTruthy());
    expect(screen.getAllByText('Promotional')).toHaveLength(1);
  });

  it('shows the server’s refusal in words and keeps the confirmation to retry', async () => {
    renderWithApollo(<GrantPromotionForm userId={id} />, [
      mockGraphQLError(GrantPromotionalCreditsDocument, () => true, 'BAD_USER_INPUT', 'expiresAt must be in the future'),
    ]);
    fillIn({ credits: '120', reason: 'Welcome offer' });
    expect(screen.getByText('Never')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm promotion' }));
    expect((await screen.findByRole('alert')).textContent).toContain('expiresAt must be in the future');
    expect(screen.getByRole('button', { name: 'Confirm promotion' })).toBeTruthy();
  });
});
