import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver in a process of its own (`fork`ed by bench/webhookOutbox.ts), so its HTTP
 * parsing is not counted as the Topup process's CPU. It answers 204 to everything and remembers when
 * each entry's first attempt arrived (`performance.timeOrigin + performance.now()`, comparable across
 * processes on one machine). Messages: it sends `{ port }` when listening; `'report'` asks for
 * `{ firstAttemptAt: [entryId, epochMilliseconds][] }`.
 */
const firstAttemptAt = new Map<string, number>();
const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { entryId?: string } };
    if (body.data.entryId && !firstAttemptAt.has(body.data.entryId)) firstAttemptAt.set(body.data.entryId, at);
    response.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('message', (message) => {
  if (message === 'report') process.send!({ firstAttemptAt: [...firstAttemptAt] });
  if (message === 'close') server.close(() => process.exit(0));
});
