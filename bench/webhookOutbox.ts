import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openStorage } from '../server/db/openStorage.ts';
import type { Storage } from '../server/db/storage.ts';
import { createLogger } from '../server/log.ts';
import { createWebhooks } from '../server/webhooks/createWebhooks.ts';
import { createWebhookWorker } from '../server/webhooks/createWebhookWorker.ts';
import { benchServerUrl, createScratchDatabase } from './support/benchDatabase.ts';
import { percentile } from './support/statistics.ts';

/**
 * `npx tsx bench/webhookOutbox.ts [--short]`: what the outbox costs and how fast it tells the app,
 * on PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server).
 *
 *  (a) credit movements per second (`grant_credits` from `connections` concurrent callers) with the
 *      outbox off (no endpoint: each movement still writes its event row, nothing to deliver) and on
 *      (one endpoint, so a delivery row per event, and the worker delivering meanwhile);
 *  (b) during the "on" run: the time from a movement's commit (its call resolving) to the first
 *      delivery attempt reaching the receiver, p50 and p95, at the worker interval given
 *      (`--interval-ms`, 100 by default; production's default is 1000, which adds up to 1 s).
 * Writes bench/results/webhook-outbox.json.
 */
const short = process.argv.includes('--short');
const intervalIndex = process.argv.indexOf('--interval-ms');
const intervalMilliseconds = intervalIndex > 0 ? Number(process.argv[intervalIndex + 1]) : 100;
const seconds = short ? 2 : 8;
const connections = 8;
const users = 200;

async function runMovements(storage: Storage, label: string, onCommitted: (entryId: string, at: number) => void): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      for (let index = 0; Date.now() < deadline; index++) {
        const entry = await storage.call<{ id: string }>('grant_credits', {
          p_user_id: `user_Bench${(worker * 7919 + index) % users}`,
          p_credits: 1,
          p_kind: 'adjustment',
          p_reason: label,
          p_actor: 'system',
          p_idempotency_key: `${label}:${worker}:${index}`,
        });
        onCommitted(entry.id, performance.now());
        count += 1;
      }
    }),
  );
  return count / seconds;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(benchServerUrl(), 'topup_bench_outbox');
  const storage = await openStorage({ database: { kind: 'postgres', connectionString: scratch.url, poolSizeMax: 12, statementTimeoutMilliseconds: 15000 } });
  const firstAttemptAt = new Map<string, number>();
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { entryId?: string } };
      if (body.data.entryId && !firstAttemptAt.has(body.data.entryId)) firstAttemptAt.set(body.data.entryId, at);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    for (let index = 0; index < users; index++) await storage.call('ensure_user', { p_user_id: `user_Bench${index}`, p_email: null });
    const off = await runMovements(storage, 'off', () => undefined);
    const webhooks = createWebhooks({ storage });
    await webhooks.createEndpoint({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` });
    const worker = createWebhookWorker({ storage, log: createLogger({ level: 'error' }), intervalMilliseconds, attemptTimeoutMilliseconds: 10_000 });
    worker.start();
    const committedAt = new Map<string, number>();
    const on = await runMovements(storage, 'on', (entryId, at) => committedAt.set(entryId, at));
    const drainDeadline = Date.now() + 60_000;
    while ([...committedAt.keys()].some((id) => !firstAttemptAt.has(id)) && Date.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await worker.stop();
    const latencies = [...committedAt].map(([id, at]) => (firstAttemptAt.get(id) ?? Number.NaN) - at).filter(Number.isFinite);
    const result = {
      short,
      connections,
      seconds,
      intervalMilliseconds,
      movementsPerSecondOutboxOff: Math.round(off),
      movementsPerSecondOutboxOn: Math.round(on),
      movementsOn: committedAt.size,
      delivered: latencies.length,
      commitToFirstAttemptMilliseconds: { p50: Math.round(percentile(latencies, 0.5)), p95: Math.round(percentile(latencies, 0.95)) },
    };
    console.log(JSON.stringify(result, null, 2));
    fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(import.meta.dirname, 'results', 'webhook-outbox.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    receiver.close();
    await storage.close();
    await scratch.drop();
  }
}

await main();
