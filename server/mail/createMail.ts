import { pageSize } from '../ledger/pagination.ts';
import type { MailStore } from './createMailStore.ts';
import type { StoredMail } from './mailTypes.ts';

/**
 * Mail as the transports see it: the preview of what was kept in DATA_DIR while no SMTP_URL was
 * configured (admins' `mailPreview`, `GET /api/dev/mail`). Mail itself is written by SQL triggers
 * with the event that causes it (`functions/mail.sql`) and sent by the mail worker, never from here.
 */
export interface Mail {
  /** The newest mails kept in DATA_DIR, newest first. Errors: BAD_USER_INPUT for `first` outside 1..100. */
  preview(first?: number | null): Promise<StoredMail[]>;
}

export function createMail(options: { store: MailStore }): Mail {
  return {
    preview: (first) => options.store.list(pageSize(first)),
  };
}
