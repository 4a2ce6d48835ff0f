import { startStripeSandbox } from './startStripeSandbox.ts';

/**
 * Runs the Stripe sandbox on its own: `npx tsx packages/stripe-sandbox/src/main.ts`. Reads `.env` when
 * present, then STRIPE_SANDBOX_PORT (12111), DATA_DIR (./.data), PUBLIC_URL
 * (http://localhost:$PORT, PORT 4000) for the webhook target `$PUBLIC_URL/api/stripe/webhooks`,
 * and STRIPE_WEBHOOK_SECRET when set (otherwise the sandbox's own secret, printed below).
 */
async function main(): Promise<void> {
  loadDotEnv();
  const port = parsePort(process.env.STRIPE_SANDBOX_PORT, 12111);
  const publicUrl = (process.env.PUBLIC_URL ?? `http://localhost:${parsePort(process.env.PORT, 4000)}`).replace(/\/+$/, '');
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
  const sandbox = await startStripeSandbox({
    port,
    dataDirectory: process.env.DATA_DIR ?? './.data',
    webhookUrl: `${publicUrl}/api/stripe/webhooks`,
    webhookSecret: webhookSecret === undefined || webhookSecret === '' ? undefined : webhookSecret,
    log: (line) => console.log(line),
  });
  console.log(`API key:        ${sandbox.apiKey}`);
  console.log(`Webhook secret: ${sandbox.webhookSecret}`);
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function loadDotEnv(): void {
  try {
    process.loadEnvFile();
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
}

function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`Invalid port: ${text}`);
  return port;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
