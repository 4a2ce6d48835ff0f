import { Webhook } from 'standardwebhooks';
import { postWebhook } from './postWebhook.ts';
import type { ClaimedDelivery } from './webhookTypes.ts';

export interface AttemptOutcome {
  succeeded: boolean;
  /** The endpoint's HTTP status, or null when none came (refused, timed out). */
  statusCode: number | null;
  error: string | null;
}

/**
 * One POST of a claimed delivery with the Standard Webhooks headers: `webhook-id` (the event's, the
 * same on every attempt), `webhook-timestamp` (this attempt, Unix seconds) and `webhook-signature`
 * (`v1,<base64>` per secret that signs now, space-separated, so a receiver holding either secret of
 * a rotation verifies). Any 2xx acknowledges. Aborted after `timeoutMilliseconds`. Never throws.
 * Sent with node:http on kept-alive connections (`postWebhook`), or with `fetch` when one is given.
 */
export async function attemptDelivery(options: {
  delivery: ClaimedDelivery;
  now: Date;
  timeoutMilliseconds: number;
  fetch?: typeof fetch;
}): Promise<AttemptOutcome> {
  const { delivery, now } = options;
  const signature = delivery.secrets.map((secret) => new Webhook(secret).sign(delivery.webhookId, now, delivery.body)).join(' ');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMilliseconds);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Topup-Webhooks/1',
    'webhook-id': delivery.webhookId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  };
  try {
    let status: number;
    if (options.fetch) {
      const response = await options.fetch(delivery.url, { method: 'POST', headers, body: delivery.body, signal: controller.signal, redirect: 'manual' });
      // The body is not read beyond what closes the connection cleanly.
      await response.body?.cancel().catch(() => undefined);
      status = response.status;
    } else {
      status = await postWebhook({ url: delivery.url, headers, body: delivery.body, signal: controller.signal });
    }
    const succeeded = status >= 200 && status < 300;
    return { succeeded, statusCode: status, error: succeeded ? null : `HTTP ${status}` };
  } catch (error) {
    const message = controller.signal.aborted ? `timed out after ${options.timeoutMilliseconds} ms` : (error as Error).message;
    return { succeeded: false, statusCode: null, error: message.slice(0, 500) };
  } finally {
    clearTimeout(timer);
  }
}
