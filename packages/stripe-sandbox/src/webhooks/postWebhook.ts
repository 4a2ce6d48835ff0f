import http from 'node:http';
import https from 'node:https';
import type { SandboxTimers } from '../sandboxTimers.ts';

/** Only the start of an answer is read: Stripe ignores the body of a webhook response. */
const responseBytesMax = 64 * 1024;

export type PostWebhookResult = { statusCode: number; error: null } | { statusCode: null; error: string };

/**
 * POSTs one signed event, with the headers Stripe sends, on a fresh connection, and reports the
 * HTTP status or the network error. Never throws; an aborted signal or the timeout count as
 * errors.
 */
export function postWebhook(options: {
  url: string;
  payload: string;
  signatureHeader: string;
  timeoutMilliseconds: number;
  /** Whose clock the timeout runs on (`realTimers` outside tests). */
  timers: SandboxTimers;
  signal: AbortSignal;
}): Promise<PostWebhookResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(options.url);
    } catch {
      resolve({ statusCode: null, error: `invalid webhook URL ${options.url}` });
      return;
    }
    const transport = target.protocol === 'https:' ? https : http;
    const body = Buffer.from(options.payload, 'utf8');
    let settled = false;
    const settle = (result: PostWebhookResult): void => {
      if (settled) return;
      settled = true;
      options.timers.clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const request = transport.request(target, {
      method: 'POST',
      // A fresh connection per delivery, as Stripe does, so no socket outlives the sandbox.
      agent: false,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(body.length),
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Stripe-Signature': options.signatureHeader,
        Accept: '*/*; q=0.5, application/xml',
        'Cache-Control': 'no-cache',
        Connection: 'close',
      },
    });
    const timer = options.timers.setTimeout(() => {
      request.destroy(new Error(`timed out after ${options.timeoutMilliseconds} ms`));
    }, options.timeoutMilliseconds);
    const onAbort = (): void => {
      request.destroy(new Error('aborted: the sandbox is closing'));
    };
    options.signal.addEventListener('abort', onAbort);
    request.on('error', (error) => settle({ statusCode: null, error: error.message }));
    request.on('response', (response) => {
      let bytesRead = 0;
      response.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
        if (bytesRead > responseBytesMax) response.destroy();
      });
      const statusCode = response.statusCode ?? 0;
      response.on('end', () => settle({ statusCode, error: null }));
      response.on('close', () => settle({ statusCode, error: null }));
      response.on('error', () => settle({ statusCode, error: null }));
    });
    if (options.signal.aborted) {
      onAbort();
      return;
    }
    request.end(body);
  });
}
