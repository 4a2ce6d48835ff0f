// An example receiver of Topup's webhooks (docs/webhooks.md): verify with the standardwebhooks
// library, then act once per webhook-id. test/webhooks/exampleReceiver.test.ts runs this file
// against real deliveries.
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface TopupEvent {
  type: string;
  timestamp: string;
  data: { userId: string | null; [field: string]: unknown };
}

/** Starts the receiver; `handle` is called once per webhook-id (a retry or a replay is acknowledged again, not handled again). */
export function startReceiver(options: { secret: string; port: number; handle: (event: TopupEvent, webhookId: string) => void }): http.Server {
  const webhook = new Webhook(options.secret);
  const handled = new Set<string>(); // In an app: a unique column of the table the handler writes.
  return http
    .createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let event: TopupEvent;
        try {
          // Checks webhook-signature (any of its v1 signatures) over id.timestamp.body, and that webhook-timestamp is within 5 minutes.
          event = webhook.verify(body, request.headers as Record<string, string>) as TopupEvent;
        } catch {
          response.writeHead(400).end();
          return;
        }
        const webhookId = request.headers['webhook-id'] as string;
        if (!handled.has(webhookId)) {
          handled.add(webhookId);
          options.handle(event, webhookId);
        }
        response.writeHead(204).end();
      });
    })
    .listen(options.port, '127.0.0.1');
}
