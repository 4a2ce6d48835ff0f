import http from 'node:http';
import https from 'node:https';

/** Kept-alive connections shared by every attempt of this process (one endpoint reuses its sockets). */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * One POST with node:http(s) on kept-alive connections: about a third of the CPU of `fetch` per
 * request here (bench/webhookOutbox.ts), which is what a webhook worker spends most of its time on.
 * Resolves with the status once the answer's body has been read and dropped (so the socket is
 * reused); never follows a redirect; rejects on a connection error or when `signal` aborts.
 */
export function postWebhook(options: { url: string; headers: Record<string, string>; body: string; signal: AbortSignal }): Promise<number> {
  const url = new URL(options.url);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        signal: options.signal,
      },
      (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
