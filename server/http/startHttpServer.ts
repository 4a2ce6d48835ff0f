import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';

export interface RunningHttpServer {
  server: Server;
  /** The bound port: the one asked for, or the one the OS picked for port 0. */
  port: number;
  /** Stops accepting connections, closes idle keep-alive ones, and resolves when all are closed. */
  close(): Promise<void>;
}

/**
 * Listens with `app` on `port` (0: any free port, for tests) and resolves once bound.
 * Timeouts bound how long a slow client can hold a connection: 10 s for the headers, 30 s for the
 * whole request.
 */
export function startHttpServer(options: { app: express.Express; port: number; host?: string }): Promise<RunningHttpServer> {
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 }, options.app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((resolveClose, rejectClose) => {
            server.close((error) => (error === undefined ? resolveClose() : rejectClose(error)));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
