import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { CardSection } from '../../components/CardSection.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { formatDateTime } from '../../format/formatDate.ts';
import { MailPreviewDocument } from '../../generated/graphql.ts';
import type { MailPreviewQuery } from '../../generated/graphql.ts';

export const mailPreviewPageSize = 50;

type PreviewMail = MailPreviewQuery['mailPreview'][number];

/**
 * Admin: the mail Topup kept in DATA_DIR while no SMTP_URL is configured, like Mailpit: the newest
 * mails, and the one picked in its HTML and plain-text forms. The HTML is shown in an iframe with
 * `srcdoc` and an empty `sandbox` (no scripts, no forms, an opaque origin), so a mail's markup can
 * never reach the console or its session. The frame inherits the console's Content-Security-Policy,
 * which allows the mails' fixed inline styles by hash and no other inline style, so the mail shows
 * styled as sent (docs/mail.md, "The preview's styles").
 */
export default function AdminMailPage() {
  const query = useQuery(MailPreviewDocument, { variables: { first: mailPreviewPageSize }, fetchPolicy: 'cache-and-network' });
  const mails = query.data?.mailPreview;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = mails?.find((mail) => mail.id === selectedId) ?? mails?.[0] ?? null;
  return (
    <>
      <PageHeading title="Mail" />
      <CardSection title="Mail preview">
        {query.error && !mails ? (
          <ErrorNotice error={query.error} onRetry={() => void query.refetch().catch(() => undefined)} />
        ) : !mails ? (
          <LoadingRows rows={3} label="Loading mail…" />
        ) : mails.length === 0 ? (
          <EmptyState title="No mail yet">
            Receipts, failed payments and low-balance warnings appear here while no SMTP_URL is configured. With SMTP_URL set, mail goes to the
            mail server instead.
          </EmptyState>
        ) : (
          <div className="mail-preview">
            <ul className="mail-preview__list" aria-label="Mails, newest first">
              {mails.map((mail) => (
                <li key={mail.id}>
                  <button
                    type="button"
                    className="mail-preview__item"
                    aria-pressed={mail.id === selected?.id}
                    onClick={() => setSelectedId(mail.id)}
                    data-testid="mail-row"
                  >
                    <span className="mail-preview__subject">{mail.subject}</span>
                    <span className="mail-preview__meta">
                      {mail.to} · {formatDateTime(mail.sentAt)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {selected && <MailView mail={selected} />}
          </div>
        )}
      </CardSection>
    </>
  );
}

function MailView({ mail }: { mail: PreviewMail }) {
  const [format, setFormat] = useState<'html' | 'text'>('html');
  return (
    <article className="mail-preview__view" aria-label={`Mail: ${mail.subject}`}>
      <dl className="summary-list">
        <dt>Subject</dt>
        <dd>{mail.subject}</dd>
        <dt>To</dt>
        <dd>{mail.to}</dd>
        <dt>From</dt>
        <dd>{mail.from}</dd>
        <dt>Sent</dt>
        <dd>{formatDateTime(mail.sentAt)}</dd>
        <dt>Template</dt>
        <dd>{mail.template}</dd>
      </dl>
      <div role="group" aria-label="Show as" className="mail-preview__formats">
        <button type="button" className="button button--quiet" aria-pressed={format === 'html'} onClick={() => setFormat('html')}>
          HTML
        </button>
        <button type="button" className="button button--quiet" aria-pressed={format === 'text'} onClick={() => setFormat('text')}>
          Plain text
        </button>
      </div>
      {format === 'html' ? (
        <iframe className="mail-preview__frame" title={`HTML of ${mail.subject}`} sandbox="" srcDoc={mail.html} referrerPolicy="no-referrer" />
      ) : (
        <pre className="mail-preview__text">{mail.text}</pre>
      )}
    </article>
  );
}
