import express from 'express';
import type Stripe from 'stripe';
import type { Billing } from '../billing/createBilling.ts';
import type { Logger } from '../log.ts';
import { rawBodyErrorHandler } from './rawBodyErrorHandler.ts';
import { isTopupError } from '../errors.ts';
import { stripeEventRecord } from '../billing/stripeEventRecord.ts';

/**
 * `POST /api/stripe/webhooks`: the raw body (the signature covers the exact bytes), verified with the
 * SDK at Stripe's default 300-second tolerance, then recorded and applied in one transaction.
 * - 400: no or bad signature, stale timestamp, another endpoint's secret, malformed JSON.
 * - 413: body over the limit.
 * - 200: processed, ignored, or already processed before (a duplicate).
 * - 500: a transient failure (database unreachable); nothing was half-applied, Stripe retries.
 */
export function createStripeWebhookRoute(options: {
  billing: Billing;
  log: Logger;
  bodySizeMaxBytes: number;
}): express.Router {
  const router = express.Router();
  router.post(
    '/api/stripe/webhooks',
    express.raw({ type: () => true, limit: options.bodySizeMaxBytes }),
    async (request, response) => {
      const signature = request.header('stripe-signature');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signature) {
        response.status(400).json({ error: 'missing Stripe-Signature header' });
        return;
      }
      let event: Stripe.Event;
      try {
        event = options.billing.verifyWebhookEvent({ body, signature });
      } catch (error) {
        options.log.log('warn', 'stripe webhook refused', { reason: (error as Error).message });
        response.status(400).json({ error: `webhook signature verification failed: ${(error as Error).message}` });
        return;
      }
      if (
        typeof event.id !== 'string' ||
        typeof event.type !== 'string' ||
        typeof event.created !== 'number' ||
        typeof event.data?.object !== 'object' ||
        event.data.object === null
      ) {
        response.status(400).json({ error: 'not a Stripe event' });
        return;
      }
      const log = options.log.child({ eventId: event.id, eventType: event.type });
      // The record of a failure only (handleStripeEvent makes its own): a copy of the event's JSON
      // costs a webhook tens of microseconds.
      const failureRecord = () => stripeEventRecord(event);
      try {
        const handled = await options.billing.handleStripeEvent(event);
        if (handled.kind === 'duplicate') {
          response.json({ received: true, duplicate: true });
          return;
        }
        // A flagged purchase was paid but not granted: an admin has to look at it.
        log.log(handled.kind === 'flagged' ? 'warn' : 'info', 'stripe event processed', { kind: handled.kind, outcome: handled.description });
        response.json({ received: true, outcome: handled.description });
      } catch (error) {
        if (isTopupError(error)) {
          // A verified event whose content we refuse (an unknown session without usable metadata):
          // retrying cannot change the answer, so it is acknowledged and its refusal recorded.
          const outcome = `refused: ${error.code}: ${error.message}`;
          log.log('warn', 'stripe event refused', { outcome });
          await options.billing.recordFailedEvent({ event: failureRecord(), kind: 'refused', outcome, error: null }).catch(() => undefined);
          response.json({ received: true, outcome });
          return;
        }
        // Nothing was applied (the event's transaction rolled back): Stripe's retry will apply it.
        log.log('error', 'stripe event failed; Stripe will retry', { error });
        await options.billing
          .recordFailedEvent({ event: failureRecord(), kind: 'failed', outcome: 'failed', error: (error as Error).message })
          .catch(() => undefined);
        response.status(500).json({ error: 'processing failed; retry later' });
      }
    },
  );
  router.use('/api/stripe/webhooks', rawBodyErrorHandler);
  return router;
}
