import type { MailTemplate } from '../vocabulary.ts';

/** A mail a worker claimed (`claim_mail`): what it needs to render and send it once. */
export interface ClaimedMail {
  id: string;
  template: MailTemplate;
  userId: string | null;
  /** Never null for a claimable mail: a mail without a recipient is written as skipped. */
  recipient: string;
  /** What the template shows: the event's data, or the purchase for a receipt. */
  data: Record<string, unknown>;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: string;
}

/** A mail rendered from its template: subject, plain text and HTML (user data escaped). */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** What a transport sends: a rendered mail with its addresses and its outbox id. */
export interface OutgoingMail extends RenderedMail {
  id: string;
  template: MailTemplate;
  from: string;
  to: string;
}

/** A mail kept in `DATA_DIR/mail` when no SMTP_URL is configured (`GET /api/dev/mail`, `mailPreview`). */
export interface StoredMail {
  id: string;
  template: MailTemplate;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** ISO time the worker kept it. */
  sentAt: string;
}
