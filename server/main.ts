import 'dotenv/config';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startTopup } from './app/startTopup.ts';

/**
 * `npm start` / `npm run start:prod`: parse the environment, boot, and shut down cleanly on
 * SIGINT/SIGTERM. Files this process creates (the embedded database, the dev signing key, the
 * sandbox's state with its webhook secret) are readable by its own account only.
 */
process.umask(0o077);
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`Topup could not start: ${(error as Error).message}`);
  process.exit(1);
}
const log = createLogger({ level: config.logLevel });
try {
  const topup = await startTopup({ config, log });
  console.log(`Topup is running on ${config.publicUrl} (database: ${topup.storage.kind}, listening on ${config.host}:${topup.port})`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log('info', 'shutting down', { signal });
    await topup.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  log.log('error', 'boot failed', { error });
  console.error(`Topup could not start: ${(error as Error).message}`);
  process.exit(1);
}
