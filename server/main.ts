import 'dotenv/config';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startTopup } from './app/startTopup.ts';

/** `npm start`: parse the environment, boot, and shut down cleanly on SIGINT/SIGTERM. */
const log = createLogger();
try {
  const config = loadConfig();
  const topup = await startTopup({ config, log });
  console.log(`Topup is running on ${config.publicUrl} (database: ${topup.storage.kind})`);
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
