// @vitest-environment jsdom
/**
 * Proves the admin ledger: entries with filters sent to the API (user, kind, actor), the CSV export
 * of exactly the filtered set paged through 100 at a time with progress, written as RFC 4180 text
 * (quotes, commas, formula-looking reasons neutralised) with each purchase's recorded and charged
 * currency, under a file name that says which filter it holds, and the four charts from `creditStats`
 * with their text summaries.
 */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import AdminLedgerPage, { adminLedgerPageSize } from '../../console/src/admin/ledger/AdminLedgerPage.tsx';
import { exportLedgerCsv } from '../../console/src/admin/ledger/exportLedgerCsv.ts';
import { ledgerCsvFileName, ledgerCsvHeader, ledgerCsvLine } from '../../console/src/admin/ledger/ledgerCsv.ts';
import { CreditStatsDocument, LedgerEntriesDocument } from '../../console/src/generated/graphql.ts';
import type { CreditStatsQuery, LedgerEntriesQuery, LedgerEntryFieldsFragment } from '../../console/src/generated/graphql.ts';
import { mockResult } from './support/apolloMocks.ts';
import { connection, ledgerEntry } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

const stats: CreditStatsQuery = {
  creditStats: {
    __typename: 'CreditStats',
    currency: 'usd',
    currencies: ['usd', 'jpy'],
    interval: 'DAY',
    buckets: [
      { __typename: 'CreditStatsBucket', start: '2026-11-23T00:00:00.000Z', creditsSold: 500, creditsSpent: 40, creditsClawedBack: 0, creditsAdjusted: 0, revenue: [{ __typename: 'CurrencyRevenue', currency: 'usd', amountMinor: 500 }] },
      { __typename: 'CreditStatsBucket', start: '2026-11-24T00:00:00.000Z', creditsSold: 71, creditsSpent: 2, creditsClawedBack: 20, creditsAdjusted: 50, revenue: [{ __typename: 'CurrencyRevenue', currency: 'jpy', amountMinor: 150 }, { __typename: 'CurrencyRevenue', currency: 'usd', amountMinor: 71 }] },
    ],
  },
};

function page(entries: LedgerEntryFieldsFragment[], hasNextPage: boolean, endCursor: string | null): LedgerEntriesQuery {
  return { ledgerEntries: connection(entries, { hasNextPage, endCursor }, 'LedgerConnection') };
}

const anyVariables = () => true;

/** jsdom's Blob has no `text()`; its FileReader does the same. */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

beforeEach(() => {
  window.history.replaceState(null, '', '/admin/ledger');
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ledger CSV', () => {
  it('quotes what needs quoting and neutralises formulas in free text', () => {
    const line = ledgerCsvLine(
      ledgerEntry({ id: 'e1', delta: -20, balanceAfter: 79, kind: 'ADJUSTMENT', reason: '=HYPERLINK("x"), then "more"', actor: 'user_admin', purchase: null }),
    );
    expect(line).toBe(`2026-11-24T01:22:07.123Z,e1,user_32mSltWx9KkUkJe3sN2Bkym2w45,ADJUSTMENT,-20,79,"'=HYPERLINK(""x""), then ""more""",user_admin,,,,,,\r\n`);
  });

  it("gives a purchase's entry its recorded currency and amount, and what was charged when Adaptive Pricing converted it", () => {
    const header = ledgerCsvHeader.trimEnd().split(',');
    expect(header.slice(-6)).toEqual(['session_id', 'currency', 'amount_minor', 'charged_currency', 'charged_amount_minor', 'lot_changes']);
    const record = (line: string) => Object.fromEntries(line.trimEnd().split(',').map((cell, index) => [header[index], cell]));

    expect(record(ledgerCsvLine(ledgerEntry()))).toMatchObject({ session_id: 'cs_test_71', currency: 'usd', amount_minor: '71', charged_currency: '', charged_amount_minor: '' });
    const converted = ledgerEntry({
      purchase: { __typename: 'Purchase', sessionId: 'cs_test_eur', currency: 'usd', amountMinor: 1000, presentmentCurrency: 'eur', presentmentAmountMinor: 920 },
    });
    const line = ledgerCsvLine(converted);
    expect(line.endsWith(',cs_test_eur,usd,1000,eur,920,\r\n')).toBe(true);
    expect(record(line)).toMatchObject({ currency: 'usd', amount_minor: '1000', charged_currency: 'eur', charged_amount_minor: '920' });
  });

  it('lists the lots an entry changed, signed like its delta, with their expiry', () => {
    // Proves the lot_changes column: each lot's id, kind, the credits drawn (negative) or put in (positive) and its expiry; nothing for an entry without lots.
    const header = ledgerCsvHeader.trimEnd().split(',');
    const spend = ledgerEntry({
      kind: 'SPEND',
      delta: -50,
      purchase: null,
      lotChanges: [
        { __typename: 'LotChange', lotId: '12', lotKind: 'PROMOTION', lotExpiresAt: '2026-12-05T00:00:00.000Z', credits: -30 },
        { __typename: 'LotChange', lotId: '3', lotKind: 'PURCHASE', lotExpiresAt: null, credits: -20 },
      ],
    });
    const cells = ledgerCsvLine(spend).trimEnd().split(',');
    expect(cells).toHaveLength(header.length);
    expect(cells[header.indexOf('lot_changes')]).toBe('lot 12 promotion -30 expires 2026-12-05T00:00:00.000Z; lot 3 purchase -20');
    const grant = ledgerEntry({ lotChanges: [{ __typename: 'LotChange', lotId: '4', lotKind: 'PURCHASE', lotExpiresAt: null, credits: 71 }] });
    expect(ledgerCsvLine(grant).trimEnd().endsWith(',lot 4 purchase +71')).toBe(true);
  });

  it('names each export after its filter and the day', () => {
    const day = new Date('2026-12-01T10:00:00.000Z');
    expect(ledgerCsvFileName({}, day)).toBe('topup-ledger-2026-12-01.csv');
    expect(ledgerCsvFileName({ userId: 'user_1', kinds: ['PURCHASE', 'REFUND'], actor: 'stripe' }, day)).toBe('topup-ledger-user-user_1-purchase+refund-by-stripe-2026-12-01.csv');
    // Whatever an admin types stays a plain file name: no path separators, no dots, no spaces.
    expect(ledgerCsvFileName({ userId: '../a b/c.d' }, day)).toBe('topup-ledger-user-___a_b_c_d-2026-12-01.csv');
    // Part of an id and the days chosen name the file too: two exports of different filters never share a name.
    expect(ledgerCsvFileName({ userIdContains: 'Slt', kinds: ['SPEND'] }, day, { from: '2026-11-01', to: '2026-11-30' })).toBe(
      'topup-ledger-user-Slt-spend-from-2026-11-01-to-2026-11-30-2026-12-01.csv',
    );
    expect(ledgerCsvFileName({}, day, { from: '2026-11-01', to: '' })).toBe('topup-ledger-from-2026-11-01-2026-12-01.csv');
  });

  it('pages through the whole set, reporting progress, and stops when aborted', async () => {
    const pages = [page([ledgerEntry({ id: 'a' }), ledgerEntry({ id: 'b' })], true, 'c1'), page([ledgerEntry({ id: 'c' })], false, 'c2')];
    const requested: Array<string | null> = [];
    const progress: number[] = [];
    const { blob, entries } = await exportLedgerCsv({
      fetchPage: async ({ first, after }) => {
        expect(first).toBe(100);
        requested.push(after);
        return (pages[requested.length - 1] as LedgerEntriesQuery).ledgerEntries;
      },
      onProgress: (count) => progress.push(count),
    });
    expect(requested).toEqual([null, 'c1']);
    expect(progress).toEqual([2, 3]);
    expect(entries).toBe(3);
    const text = await readBlob(blob);
    expect(text.startsWith(ledgerCsvHeader)).toBe(true);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(4);

    const controller = new AbortController();
    controller.abort();
    await expect(exportLedgerCsv({ fetchPage: async () => pages[0]!.ledgerEntries, onProgress: () => undefined, signal: controller.signal })).rejects.toThrow();
  });
});

describe('AdminLedgerPage', () => {
  it('lists entries across users, filters them, and exports the filtered set as CSV', async () => {
    const created: Blob[] = [];
    Object.assign(URL, {
      createObjectURL: vi.fn((blob: Blob) => {
        created.push(blob);
        return 'blob:ledger';
      }),
      revokeObjectURL: vi.fn(),
    });
    const downloaded: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloaded.push(this.download);
    });
    const adjustment = ledgerEntry({ id: 'adj', kind: 'ADJUSTMENT', delta: 50, balanceAfter: 149, reason: 'Support ticket 42', actor: 'user_admin', purchase: null });
    // The user filter takes part of an id, like the users search.
    const filtered = { userIdContains: '32mSlt', kinds: ['ADJUSTMENT' as const] };

    renderWithApollo(<AdminLedgerPage />, [
      mockResult(CreditStatsDocument, anyVariables, stats),
      mockResult(LedgerEntriesDocument, { filter: {}, first: adminLedgerPageSize }, page([adjustment, ledgerEntry()], false, 'c')),
      mockResult(LedgerEntriesDocument, { filter: { kinds: ['ADJUSTMENT'] }, first: adminLedgerPageSize }, page([adjustment], false, 'c')),
      // The debounced user filter's page has its own row, so the test can wait for the filter to apply.
      mockResult(LedgerEntriesDocument, { filter: filtered, first: adminLedgerPageSize }, page([{ ...adjustment, id: 'adj-user', reason: 'Support ticket 42, this user' }], false, 'c')),
      mockResult(LedgerEntriesDocument, { filter: filtered, first: 100, after: null }, page([adjustment], true, 'p1')),
      mockResult(LedgerEntriesDocument, { filter: filtered, first: 100, after: 'p1' }, page([ledgerEntry({ ...adjustment, id: 'adj0', reason: 'Older' })], false, 'p2')),
    ]);
    expect(await screen.findAllByTestId('ledger-row')).toHaveLength(2);

    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'ADJUSTMENT' } });
    await waitFor(() => expect(screen.getAllByTestId('ledger-row')).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: '32mSlt' } });
    // The typed filter is debounced; the export must use the same filter as the table.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Clear filters' })).toBeTruthy());
    expect(await screen.findByText('Support ticket 42, this user', {}, { timeout: 3_000 })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Exported 2 entries.')).toBeTruthy();
    expect(click).toHaveBeenCalledTimes(1);
    expect(downloaded).toEqual([`topup-ledger-user-32mSlt-adjustment-${new Date().toISOString().slice(0, 10)}.csv`]);
    const csv = await readBlob(created[0] as Blob);
    expect(csv).toContain('Support ticket 42');
    expect(csv).toContain('Older');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  it('keeps the filters in the URL: a reload or a shared link shows the same filtered entries', async () => {
    // Proves the filters are the URL's: choosing them writes ?user=&kind=&from=&to=&actor=, and a page
    // opened at that address (a reload, a shared link) fills the fields and asks the API for the same filter.
    const entry = ledgerEntry({ id: 'spend-1', kind: 'SPEND', delta: -5, balanceAfter: 23, reason: 'Linked filter row', actor: 'service:app', purchase: null });
    const first = renderWithApollo(<AdminLedgerPage />, [
      mockResult(CreditStatsDocument, anyVariables, stats),
      mockResult(LedgerEntriesDocument, anyVariables, page([], false, null)),
      mockResult(LedgerEntriesDocument, anyVariables, page([], false, null)),
    ]);
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: 'mSlt ' } });
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'SPEND' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01' } });
    fireEvent.change(screen.getByLabelText('Actor'), { target: { value: 'service:app' } });
    // Typed text is kept as typed (the trailing space too), trimmed only for the API.
    expect((screen.getByLabelText('User id') as HTMLInputElement).value).toBe('mSlt ');
    const address = window.location.pathname + window.location.search;
    expect(new URLSearchParams(window.location.search).get('user')).toBe('mSlt ');
    expect(address).toContain('kind=SPEND');
    expect(address).toContain('from=2026-11-01');
    expect(address).toContain('actor=service%3Aapp');
    first.unmount();

    // A reload: the same address, a fresh page.
    window.history.replaceState(null, '', address);
    renderWithApollo(<AdminLedgerPage />, [
      mockResult(CreditStatsDocument, anyVariables, stats),
      mockResult(
        LedgerEntriesDocument,
        { filter: { userIdContains: 'mSlt', kinds: ['SPEND'], from: new Date(2026, 10, 1).toISOString(), actor: 'service:app' }, first: adminLedgerPageSize },
        page([entry], false, 'c'),
      ),
    ]);
    expect((screen.getByLabelText('User id') as HTMLInputElement).value).toBe('mSlt ');
    expect((screen.getByLabelText('Kind') as HTMLSelectElement).value).toBe('SPEND');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('2026-11-01');
    expect((screen.getByLabelText('Actor') as HTMLInputElement).value).toBe('service:app');
    expect(await screen.findByText('Linked filter row', {}, { timeout: 3_000 })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(window.location.search).toBe('');
  });

  it('draws the four charts with text summaries, and a table of the numbers', async () => {
    renderWithApollo(<AdminLedgerPage />, [
      mockResult(CreditStatsDocument, anyVariables, stats),
      mockResult(LedgerEntriesDocument, { filter: {}, first: adminLedgerPageSize }, page([], false, null)),
    ]);
    const sold = await screen.findByRole('img', { name: /^Credits sold, .*total 571 credits, highest 500 credits/ });
    expect(sold.querySelectorAll('rect')).toHaveLength(2);
    expect(screen.getByRole('img', { name: /^Credits spent, .*total 42 credits/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Credits clawed back, .*total 20 credits/ })).toBeTruthy();
    // One revenue chart per currency, never a sum of cents and yen.
    expect(screen.getByRole('img', { name: /^Revenue \(USD\), .*total \$5\.71/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Revenue \(JPY\), .*total ¥150/ })).toBeTruthy();
    expect(screen.getByText('Show the numbers')).toBeTruthy();
    expect(await screen.findByText('The ledger is empty')).toBeTruthy();
  });
});
