import { Router } from 'express';
import type { Mail } from '../mail/createMail.ts';
import { errorCodes, isTopupError } from '../errors.ts';
import { sendJsonError } from './sendJsonError.ts';

/**
 * `GET /api/dev/mail[?first=N]` -> `[{ id, template, from, to, subject, text, html, sentAt }]`: the
 * newest mails kept in `DATA_DIR/mail` (no SMTP_URL), newest first, at most 100 (the default).
 * Mounted only outside production, like Mailpit on a laptop: scripts and tests read what Topup
 * "sent" without a mail server. BAD_USER_INPUT (400) for `first` outside 1..100.
 */
export function createDevMailRouter(options: { mail: Mail }): Router {
  const router = Router();
  router.get('/api/dev/mail', async (request, response) => {
    const first = request.query.first === undefined ? 100 : Number(request.query.first);
    try {
      const mails = await options.mail.preview(first);
      response.setHeader('cache-control', 'no-store');
      response.json(mails.map((mail) => ({ id: mail.id, template: mail.template, from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, sentAt: mail.sentAt })));
    } catch (error) {
      if (!isTopupError(error) || error.code !== errorCodes.badUserInput) throw error;
      sendJsonError(response, { status: 400, code: error.code, message: error.message });
    }
  });
  return router;
}
