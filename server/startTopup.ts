import type { Config } from './config.ts';
import type { Storage } from './db/storage.ts';
import { createLogger, type Logger } from './log.ts';
import { openStorage } from './db/openStorage.ts';
import { seedReferenceUser } from './seed/seedReferenceUser.ts';
import { createApp } from './http/createApp.ts';
import { startHttpServer } from './http/startHttpServer.ts';

export interface RunningTopup {
  /** Where the API and console answer, e.g. http://127.0.0.1:4000. */
  url: string;
  port: number;
  storage: Storage;
  /** Stops HTTP first (no new work), then background work, then the database. */
  close(): Promise<void>;
}

/**
 * Boots Topup from a parsed config: storage (migrated), seed data, the HTTP app, listening. Used by
 * `server/main.ts`, by end-to-end tests (port 0, in-memory or temporary databases), and by scripts.
 */
export async function startTopup(options: { config: Config; log?: Logger; storage?: Storage }): Promise<RunningTopup> {
  const { config } = options;
  const log = options.log ?? createLogger();
  const storage =
    options.storage ??
    (await openStorage({ database: config.database, log: (message) => log.log('info', message) }));
  const closers: (() => Promise<void>)[] = [];
  try {
    if (config.seedDemoData) await seedReferenceUser(storage);
    const app = createApp({ config, storage, log });
    const http = await startHttpServer({ app, port: config.port });
    closers.push(() => http.close());
    const url = `http://127.0.0.1:${http.port}`;
    log.log('info', 'topup listening', { url, database: storage.kind, publicUrl: config.publicUrl });
    return {
      url,
      port: http.port,
      storage,
      async close() {
        for (const close of closers.reverse()) await close().catch((error: unknown) => log.log('warn', 'close failed', { error }));
        if (options.storage === undefined) await storage.close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    if (options.storage === undefined) await storage.close().catch(() => undefined);
    throw error;
  }
}
