import nodemailer from 'nodemailer';
import type { MailStore } from './createMailStore.ts';
import type { OutgoingMail } from './mailTypes.ts';

/** Where the mail worker hands a rendered mail: an SMTP server, or the DATA_DIR store. */
export interface MailTransport {
  kind: 'smtp' | 'store';
  /** Resolves when the mail is accepted (by the SMTP server, or written); rejects otherwise. */
  send(mail: OutgoingMail, sentAt: Date): Promise<void>;
  close(): void;
}

/**
 * nodemailer's SMTP transport to `smtpUrl` (`smtp://user:pass@host:587` upgrades with STARTTLS when
 * the server offers it; `smtps://host:465` is TLS from the start; nodemailer reads options such as
 * `?requireTLS=true` from the query), or, with no URL, the store in DATA_DIR. Each mail carries a
 * Message-ID made from its outbox id, so a receiving server or reader can tell a resend of the same
 * mail (a retry after a lost answer) from a new one.
 */
export function createMailTransport(options: { smtpUrl: string | null; store: MailStore; timeoutMilliseconds: number }): MailTransport {
  if (options.smtpUrl === null) {
    const { store } = options;
    return {
      kind: 'store',
      send: (mail, sentAt) =>
        store.save({ id: mail.id, template: mail.template, from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, sentAt: sentAt.toISOString() }),
      close: () => undefined,
    };
  }
  const transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: options.timeoutMilliseconds,
    greetingTimeout: options.timeoutMilliseconds,
    socketTimeout: options.timeoutMilliseconds,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<topup-mail-${mail.id}@${messageIdDomain(mail.from)}>`,
        headers: { 'X-Topup-Mail-Template': mail.template },
      });
    },
    close: () => transporter.close(),
  };
}

/** The domain of the From address (`Topup <billing@example.com>` -> example.com), for Message-IDs. */
function messageIdDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'topup.invalid';
}
