import express from 'express';
import { verifyWebhook } from '@clerk/backend/webhooks';
import type { Ledger } from '../ledger/createLedger.ts';
import type { Logger } from '../log.ts';
import { rawBodyErrorHandler } from './rawBodyErrorHandler.ts';
import { isTopupError } from '../errors.ts';

/** The part of Clerk's user object this route reads (`user.created`, `user.updated`). */
interface ClerkUserData {
  id?: unknown;
  primary_email_address_id?: unknown;
  email_addresses?: Array<{ id?: unknown; email_address?: unknown }>;
  updated_at?: unknown;
  deleted?: unknown;
}

/**
 * `POST /api/clerk/webhooks`: Clerk's user webhooks (Standard Webhooks signatures, verified by
 * `@clerk/backend`'s `verifyWebhook` with `CLERK_WEBHOOK_SIGNING_SECRET`) keep each user's email in
 * sync and record deletions. Mounted only when that secret is set.
 * - 400: missing headers, a bad or stale signature, another endpoint's secret, malformed JSON.
 * - 200: applied, or ignored (another event type, a user id Topup cannot store); Clerk stops retrying.
 * - 500: a transient failure (database unreachable); nothing was applied, Clerk retries.
 */
export function createClerkWebhookRoute(options: { ledger: Ledger; log: Logger; signingSecret: string; bodySizeMaxBytes: number }): express.Router {
  const router = express.Router();
  router.post('/api/clerk/webhooks', express.raw({ type: () => true, limit: options.bodySizeMaxBytes }), async (request, response) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headers = new Headers();
    for (const name of ['svix-id', 'svix-timestamp', 'svix-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const value = request.header(name);
      if (value !== undefined) headers.set(name.replace(/^webhook-/, 'svix-'), value);
    }
    let event: { type: string; data: ClerkUserData };
    try {
      event = (await verifyWebhook(new Request('http://topup.local/api/clerk/webhooks', { method: 'POST', headers, body: body.toString('utf8') }), {
        signingSecret: options.signingSecret,
      })) as unknown as { type: string; data: ClerkUserData };
    } catch (error) {
      options.log.log('warn', 'clerk webhook refused', { reason: (error as Error).message });
      response.status(400).json({ error: `webhook verification failed: ${(error as Error).message}` });
      return;
    }
    const change = userChange(event);
    if (change === null) {
      response.json({ received: true, outcome: `ignored: ${String(event.type).slice(0, 60)}` });
      return;
    }
    try {
      const user = await options.ledger.syncClerkUser(change);
      options.log.log('info', 'clerk user synced', { userId: change.userId, type: event.type });
      response.json({ received: true, outcome: user.deletedAt ? 'user deleted' : 'user synced' });
    } catch (error) {
      if (isTopupError(error)) {
        response.json({ received: true, outcome: `refused: ${error.code}: ${error.message}` });
        return;
      }
      options.log.log('error', 'clerk webhook failed; Clerk will retry', { error });
      response.status(500).json({ error: 'processing failed; retry later' });
    }
  });
  router.use('/api/clerk/webhooks', rawBodyErrorHandler);
  return router;
}

/** The user change a verified event describes, or null for events this route does not act on. */
function userChange(event: { type: string; data: ClerkUserData }): Parameters<Ledger['syncClerkUser']>[0] | null {
  const data = event.data ?? {};
  if (typeof data.id !== 'string') return null;
  if (event.type === 'user.deleted') return { userId: data.id, email: null, deleted: true, profileUpdatedAt: null };
  if (event.type !== 'user.created' && event.type !== 'user.updated') return null;
  const primary = (Array.isArray(data.email_addresses) ? data.email_addresses : []).find((address) => address.id === data.primary_email_address_id);
  const email = typeof primary?.email_address === 'string' ? primary.email_address : null;
  const updatedAt = typeof data.updated_at === 'number' && Number.isFinite(data.updated_at) ? new Date(data.updated_at).toISOString() : null;
  return { userId: data.id, email, deleted: false, profileUpdatedAt: updatedAt };
}
