// @vitest-environment jsdom
/**
 * Proves the admin mail preview: the newest mail is shown first, its HTML in an iframe with an empty
 * sandbox and srcdoc (never in the console's own DOM), another mail is picked from the list, the
 * plain text is one click away, and an empty preview says where mail goes.
 */
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import AdminMailPage, { mailPreviewPageSize } from '../../console/src/admin/mail/AdminMailPage.tsx';
import { MailPreviewDocument } from '../../console/src/generated/graphql.ts';
import type { MailPreviewQuery } from '../../console/src/generated/graphql.ts';
import { mockGraphQLError, mockResult } from './support/apolloMocks.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

afterEach(cleanup);

type PreviewMail = MailPreviewQuery['mailPreview'][number];

function previewMail(id: string, subject: string, html: string): PreviewMail {
  return {
    __typename: 'MailMessage',
    id,
    template: 'purchase_receipt',
    from: 'Topup <no-reply@localhost>',
    to: `buyer${id}@example.com`,
    subject,
    text: `${subject} as plain text`,
    html,
    sentAt: '2026-12-01T12:00:00.000Z',
  };
}

describe('AdminMailPage', () => {
  it('shows the newest mail in a sandboxed frame, picks another, and shows plain text', async () => {
    // Proves the frame: a mail with a script is rendered through srcdoc with sandbox="", so no script reaches the console's DOM.
    const hostile = '<p>Receipt</p><script>window.parent.stolen = true</script>';
    renderWithApollo(<AdminMailPage />, [
      mockResult(MailPreviewDocument, { first: mailPreviewPageSize }, {
        mailPreview: [previewMail('2', 'Receipt: 500 credits for $5.00', hostile), previewMail('1', 'Your balance is low: 50 credits left', '<p>Low</p>')],
      }),
    ]);
    const frame = (await screen.findByTitle('HTML of Receipt: 500 credits for $5.00')) as HTMLIFrameElement;
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toBe(hostile);
    // The mail's markup is only in the frame's srcdoc, never parsed into the console's document.
    expect(document.querySelector('script')).toBeNull();
    expect(screen.getAllByTestId('mail-row')).toHaveLength(2);
    expect(screen.getAllByTestId('mail-row')[0]!.getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(screen.getByRole('button', { name: /Your balance is low/ }));
    const lowFrame = screen.getByTitle('HTML of Your balance is low: 50 credits left');
    expect(lowFrame.getAttribute('srcdoc')).toBe('<p>Low</p>');
    const view = screen.getByRole('article', { name: 'Mail: Your balance is low: 50 credits left' });
    expect(within(view).getByText('buyer1@example.com')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Plain text' }));
    expect(screen.getByText('Your balance is low: 50 credits left as plain text')).toBeTruthy();
    expect(screen.queryByTitle('HTML of Your balance is low: 50 credits left')).toBeNull();
  });

  it('says where mail goes when there is none, and shows a refusal as an error', async () => {
    // Proves the empty and error states: an empty list explains SMTP_URL; a FORBIDDEN answer is an alert, not a blank page.
    renderWithApollo(<AdminMailPage />, [mockResult(MailPreviewDocument, { first: mailPreviewPageSize }, { mailPreview: [] })]);
    expect(await screen.findByText('No mail yet')).toBeTruthy();
    cleanup();
    renderWithApollo(<AdminMailPage />, [mockGraphQLError(MailPreviewDocument, { first: mailPreviewPageSize }, 'FORBIDDEN', 'This needs the admin role')]);
    expect(await screen.findByRole('alert')).toBeTruthy();
  });
});
