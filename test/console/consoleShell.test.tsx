// @vitest-environment jsdom
/**
 * Proves that what the console shows depends on the role the server reports (`viewer`), never on
 * anything in the browser: a user gets no admin navigation and "Admins only" on an admin URL; an
 * admin gets the admin pages (code-split, loaded on demand). Also: in-app links navigate without a
 * reload and move the focus to the new page's heading.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleShell } from '../../console/src/app/ConsoleShell.tsx';
import { AdminUsersDocument, MeDocument, MyLedgerDocument, PricingDocument, ViewerDocument } from '../../console/src/generated/graphql.ts';
import type { Role } from '../../console/src/generated/graphql.ts';
import { mockGraphQLError, mockResult } from './support/apolloMocks.ts';
import { connection, me, pricing, referenceUserId } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

beforeAll(() => {
  // jsdom has no layout; the router scrolls to the top after a navigation.
  window.scrollTo = () => undefined;
});

afterEach(cleanup);

const viewer = (role: Role) => mockResult(ViewerDocument, {}, { viewer: { __typename: 'Viewer', id: referenceUserId, role } });
const anyVariables = () => true;

describe('ConsoleShell', () => {
  it('shows "Loading Topup…" in plain sight while the server has not answered, and index.html has it before the JavaScript', async () => {
    // Proves the first screen of a slow server is not blank: the viewer query is held unanswered,
    // and the loading words are rendered in a visible element (not the visually-hidden class);
    // the static page carries the same words inside #root for the time before the bundle runs.
    renderWithApollo(<ConsoleShell />, [{ ...viewer('USER'), delay: Number.POSITIVE_INFINITY }]);
    const loading = await screen.findByText('Loading Topup…');
    expect(loading.closest('.visually-hidden')).toBeNull();
    expect(loading.className).toBe('full-page-loading__text');
    const indexHtml = readFileSync(path.resolve('console/index.html'), 'utf8');
    expect(indexHtml).toMatch(/<div id="root"><p class="full-page-loading__text" role="status">Loading Topup…<\/p><\/div>/);
  });

  it('shows a user the user pages only, and "Admins only" on an admin address', async () => {
    window.history.replaceState(null, '', '/admin/ledger');
    renderWithApollo(<ConsoleShell />, [viewer('USER'), mockResult(MeDocument, {}, me())]);
    expect(await screen.findByRole('heading', { name: 'Admins only' })).toBeTruthy();
    const navigation = screen.getByRole('navigation', { name: 'Main' });
    expect(navigation.textContent).toBe('BillingHistory');
    expect((await screen.findByTestId('header-balance')).textContent).toBe('Balance: 28 credits');
  });

  it('gives an admin the admin pages, loaded when first opened', async () => {
    window.history.replaceState(null, '', '/admin/users');
    renderWithApollo(<ConsoleShell />, [
      viewer('ADMIN'),
      mockResult(MeDocument, {}, me()),
      mockResult(AdminUsersDocument, anyVariables, { users: connection([], { hasNextPage: false, endCursor: null }, 'UserConnection') }),
    ]);
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' }).textContent).toBe('BillingHistoryUsersLedgerFlagsMailEventsAudit');
    expect(screen.getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
  });

  it('navigates in place and focuses the new page heading', async () => {
    window.history.replaceState(null, '', '/billing');
    renderWithApollo(<ConsoleShell />, [
      viewer('USER'),
      mockResult(MeDocument, {}, me()),
      mockResult(PricingDocument, {}, pricing()),
      mockResult(MyLedgerDocument, anyVariables, { me: { __typename: 'User', id: referenceUserId, ledger: connection([], { hasNextPage: false, endCursor: null }, 'LedgerConnection') } }),
    ]);
    expect(await screen.findByRole('heading', { name: 'Billing' })).toBeTruthy();
    fireEvent.click(screen.getByRole('link', { name: 'History' }));
    const heading = await screen.findByRole('heading', { name: 'History' });
    expect(window.location.pathname).toBe('/history');
    expect(document.activeElement).toBe(heading);
    expect(document.title).toBe('History · Topup');
  });

  it('explains a failure to reach the server, and offers to sign out', async () => {
    window.history.replaceState(null, '', '/billing');
    renderWithApollo(<ConsoleShell />, [mockGraphQLError(ViewerDocument, {}, 'INTERNAL_SERVER_ERROR')]);
    expect((await screen.findByRole('alert')).textContent).toContain('Something went wrong on our side');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });
});
