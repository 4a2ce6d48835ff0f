// @vitest-environment jsdom
/**
 * Proves the admin audit page: the filters come from the URL and go to the API, a typed filter
 * goes back into the URL (so a filtered view can be linked to) and sends the narrowed query, each
 * record's input and result open on demand as pretty-printed JSON, a refused attempt is marked and
 * filtered by outcome, and an empty filtered list says so.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import AuditLogPage, { auditPageSize } from '../../console/src/admin/audit/AuditLogPage.tsx';
import { AuditLogDocument } from '../../console/src/generated/graphql.ts';
import type { AuditLogQuery } from '../../console/src/generated/graphql.ts';
import { mockResult } from './support/apolloMocks.ts';
import { connection } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

type AuditNode = AuditLogQuery['auditLog']['edges'][number]['node'];

function record(overrides: Partial<AuditNode> = {}): AuditNode {
  return {
    __typename: 'AuditRecord',
    id: '1',
    actor: 'user_admin',
    action: 'adjustCredits',
    userId: 'user_32mSltWx9KkUkJe3sN2Bkym2w45',
    input: '{"userId":"user_32mSltWx9KkUkJe3sN2Bkym2w45","delta":50,"reason":"Support ticket 42"}',
    result: '{"id":"17","delta":50,"balanceAfter":78}',
    requestId: 'req-abc',
    refused: false,
    createdAt: '2026-11-24T01:22:07.123Z',
    ...overrides,
  };
}

function page(nodes: AuditNode[]): AuditLogQuery {
  return { auditLog: connection(nodes, { hasNextPage: false, endCursor: null }, 'AuditRecordConnection') };
}

afterEach(() => {
  cleanup();
});

describe('the admin audit page', () => {
  it('reads its filters from the URL, writes typed ones back, and sends them to the API', async () => {
    // Proves the URL is the filters' home: ?actor= fills the field and the first query, a typed action joins the URL and the next query (whose one row then shows).
    window.history.replaceState(null, '', '/admin/audit?actor=user_admin');
    renderWithApollo(<AuditLogPage />, [
      mockResult(AuditLogDocument, { filter: { actor: 'user_admin' }, first: auditPageSize }, page([record(), record({ id: '2', action: 'rotateWebhookEndpointSecret', userId: null, input: '{"id":"we_1"}', result: '{"id":"we_1","url":"https://app.example/hooks"}', requestId: 'req-def' })])),
      mockResult(AuditLogDocument, { filter: { actor: 'user_admin', action: 'rotateWebhookEndpointSecret' }, first: auditPageSize }, page([record({ id: '2', action: 'rotateWebhookEndpointSecret', userId: null })])),
    ]);
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    expect((screen.getByLabelText('Actor') as HTMLInputElement).value).toBe('user_admin');
    const [first, second] = screen.getAllByTestId('audit-row');
    expect(within(first!).getByText('adjustCredits')).toBeTruthy();
    expect(within(first!).getByRole('link', { name: 'user_32mSltWx9KkUkJe3sN2Bkym2w45' }).getAttribute('href')).toBe('/admin/users/user_32mSltWx9KkUkJe3sN2Bkym2w45');
    expect(within(second!).getByText('—')).toBeTruthy();
    expect(within(first!).getByText('req-abc')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'rotateWebhookEndpointSecret' } });
    expect(window.location.search).toBe('?actor=user_admin&action=rotateWebhookEndpointSecret');
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(1));
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeTruthy();

    // A space being typed stays in the field (the URL keeps what is typed; the API gets it trimmed).
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'rotateWebhookEndpointSecret ' } });
    expect((screen.getByLabelText('Action') as HTMLInputElement).value).toBe('rotateWebhookEndpointSecret ');
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(1));
  });

  it('shows input and result as pretty-printed JSON on demand', async () => {
    // Proves the JSON stays folded until asked for, then reads as indented JSON of what the API sent.
    window.history.replaceState(null, '', '/admin/audit');
    renderWithApollo(<AuditLogPage />, [mockResult(AuditLogDocument, { filter: {}, first: auditPageSize }, page([record()]))]);
    const row = await screen.findByTestId('audit-row');
    const input = within(row).getByText('Input').closest('details')!;
    const result = within(row).getByText('Result').closest('details')!;
    expect(input.open).toBe(false);
    fireEvent.click(within(row).getByText('Input'));
    expect(input.open).toBe(true);
    expect(input.querySelector('pre')!.textContent).toBe(JSON.stringify({ userId: 'user_32mSltWx9KkUkJe3sN2Bkym2w45', delta: 50, reason: 'Support ticket 42' }, null, 2));
    expect(result.querySelector('pre')!.textContent).toContain('"balanceAfter": 78');
  });

  it('marks refused attempts, and filters by outcome through the URL', async () => {
    // Proves a refused record reads "Refused" (a record that took effect does not), and choosing Refused puts outcome=refused in the URL and asks the API for refused: true.
    window.history.replaceState(null, '', '/admin/audit');
    const refused = record({ id: '3', refused: true, result: '{"error":{"code":"INSUFFICIENT_CREDITS","message":"not enough"}}', requestId: 'req-refused' });
    renderWithApollo(<AuditLogPage />, [
      mockResult(AuditLogDocument, { filter: {}, first: auditPageSize }, page([refused, record()])),
      mockResult(AuditLogDocument, { filter: { refused: true }, first: auditPageSize }, page([refused])),
    ]);
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    const [refusedRow, tookEffect] = screen.getAllByTestId('audit-row');
    expect(within(refusedRow!).getByText('Refused')).toBeTruthy();
    expect(within(tookEffect!).queryByText('Refused')).toBeNull();
    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'refused' } });
    expect(window.location.search).toBe('?outcome=refused');
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(1));
  });

  it('says when nothing matches the filters, and clears them', async () => {
    // Proves the filtered empty state and "Clear filters": the URL loses its query and the unfiltered records load.
    window.history.replaceState(null, '', '/admin/audit?user=user_nobody');
    renderWithApollo(<AuditLogPage />, [
      mockResult(AuditLogDocument, { filter: { userId: 'user_nobody' }, first: auditPageSize }, page([])),
      mockResult(AuditLogDocument, { filter: {}, first: auditPageSize }, page([record()])),
    ]);
    expect(await screen.findByText('No records match these filters')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(window.location.search).toBe('');
    expect(await screen.findByTestId('audit-row')).toBeTruthy();
  });
});
