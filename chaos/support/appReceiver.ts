import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What one endpoint of the app's receiver saw. */
export interface EndpointLog {
  /** Every request (any answer). */
  requests: number;
  /** Answers that were not a 2xx, and requests left to time out. */
  failed: number;
  timedOut: number;
  /** Requests whose signature did not verify with the endpoint's secret (must stay 0). */
  badSignatures: number;
  /** webhook-id -> the body acknowledged (2xx) for it, how many times, and when (each answer's time, and whether it came after the sender's timeout). */
  acknowledged: Map<string, { body: string; times: number; at: { time: number; late: boolean }[] }>;
}

export interface AppReceiver {
  flakyUrl: string;
  goneUrl: string;
  flaky: EndpointLog;
  gone: EndpointLog;
  /** When the gone endpoint started answering 410 (null: not yet). */
  goneSince: number | null;
  close(): Promise<void>;
}

const newLog = (): EndpointLog => ({ requests: 0, failed: 0, timedOut: 0, badSignatures: 0, acknowledged: new Map() });

/**
 * The app's side of Topup's outbound webhooks in the chaos run, one HTTP server with two endpoints:
 * - `/flaky` (the default endpoint, APP_WEBHOOK_URL): fails the first attempt of about a quarter of
 *   the events, half of those with a 500 and half by never answering (the instance's attempt times
 *   out), and acknowledges every other attempt. Each event fails at most once (an attempt the
 *   instance abandoned before an answer counts as that one), so its retry 5 s later is acknowledged
 *   within the run (the schedule's later steps are minutes to hours).
 * - `/gone`: acknowledges until `goneAfterRequests` requests, then answers 410 for good (Topup
 *   disables the endpoint by rule: every event after that waits there, or gets no delivery).
 * Every request's signature is checked with the reference library (at the request's own time), and
 * every acknowledged body is kept by webhook-id to compare with the outbox at the end.
 */
export async function startAppReceiver(options: {
  flakySecret: string;
  goneSecret: string;
  random: () => number;
  goneAfterRequests: number;
  /** The instances' WEBHOOK_ATTEMPT_TIMEOUT_MS: an answer later than this (less 100 ms) may be lost to the sender. */
  senderTimeoutMilliseconds: number;
}): Promise<AppReceiver> {
  const flaky = newLog();
  const gone = newLog();
  const hanging = new Set<http.ServerResponse>();
  const failedOnce = new Set<string>();
  let goneSince: number | null = null;
  const verifiers = { flaky: new Webhook(options.flakySecret), gone: new Webhook(options.goneSecret) };

  const server = http.createServer((request, response) => {
    // An attempt the instance gave up on before it was answered (its timeout on a loaded machine)
    // is this event's one failure: its retry is acknowledged.
    const requestId = String(request.headers['webhook-id'] ?? '');
    const arrivedAt = Date.now();
    response.on('close', () => {
      if (!response.writableEnded) failedOnce.add(requestId);
    });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const which = request.url === '/gone' ? 'gone' : 'flaky';
      const log = which === 'gone' ? gone : flaky;
      log.requests += 1;
      const headers = {
        'webhook-id': String(request.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
      };
      try {
        verifiers[which].verify(body, headers);
      } catch {
        log.badSignatures += 1;
      }
      const id = headers['webhook-id'];
      if (which === 'gone' && log.requests > options.goneAfterRequests) {
        goneSince ??= Date.now();
        log.failed += 1;
        response.writeHead(410).end();
        return;
      }
      if (which === 'flaky' && !failedOnce.has(id) && options.random() < 0.25) {
        failedOnce.add(id);
        log.failed += 1;
        if (options.random() < 0.5) {
          response.writeHead(500).end();
        } else {
          // No answer: the instance's attempt times out (WEBHOOK_ATTEMPT_TIMEOUT_MS) and aborts.
          log.timedOut += 1;
          hanging.add(response);
          response.on('close', () => hanging.delete(response));
        }
        return;
      }
      const seen = log.acknowledged.get(id);
      const now = Date.now();
      const late = now - arrivedAt >= options.senderTimeoutMilliseconds - 100 || response.destroyed;
      log.acknowledged.set(id, { body, times: (seen?.times ?? 0) + 1, at: [...(seen?.at ?? []), { time: now, late }] });
      response.writeHead(204).end();
    });
  });
  // Idle keep-alive connections stay open for a minute (Node's default is 5 s): the instances' fetch
  // reuses a connection just as the server closes it when the driver's event loop is late (a busy
  // 2-core machine), and that reset would be an event's second failure, whose retry is minutes away.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    flakyUrl: `${base}/flaky`,
    goneUrl: `${base}/gone`,
    flaky,
    gone,
    get goneSince() {
      return goneSince;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
