import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createTestStorage, type LedgerStorageKind } from '../test/support/testStorage.ts';
import { ensureUser } from '../server/ledger/ensureUser.ts';
import { grantCredits } from '../server/ledger/grantCredits.ts';
import { verifyLedger } from '../server/ledger/verifyLedger.ts';

/**
 * `npm run bench:grants`: grant throughput, one grant per transaction (one `grant_credits` call),
 * on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set, next to `pgbench -N` on the same
 * server at the same concurrency (the database's own simple-write limit on this machine).
 * Each figure is the median of RUNS runs of SECONDS seconds. Prints a table, writes JSON.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const users = 200;

interface Row { target: string; concurrency: number; runs: number[]; median: number }
const rows: Row[] = [];

for (const kind of (process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']) as LedgerStorageKind[]) {
  const test = await createTestStorage(kind);
  try {
    for (let index = 0; index < users; index += 1) await ensureUser(test.storage, { userId: `user_bench_${index}`, email: null });
    const kindConcurrency = kind === 'pglite' ? 1 : concurrency;
    const measured: number[] = [];
    let sequence = 0;
    for (let run = 0; run < runs; run += 1) {
      const deadline = performance.now() + seconds * 1000;
      let done = 0;
      const worker = async () => {
        while (performance.now() < deadline) {
          sequence += 1;
          await grantCredits(test.storage, {
            userId: `user_bench_${sequence % users}`, credits: 1, kind: 'adjustment', reason: 'bench', actor: 'system',
            idempotencyKey: `bench:${kind}:${sequence}`,
          });
          done += 1;
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: kindConcurrency }, worker));
      measured.push(done / ((performance.now() - started) / 1000));
    }
    rows.push({ target: `grant_credits on ${kind}`, concurrency: kindConcurrency, runs: measured, median: median(measured) });
    const verification = await verifyLedger(test.storage);
    if (verification.problemCount !== 0) throw new Error(`ledger inconsistent after the benchmark: ${JSON.stringify(verification.problems)}`);
    if (kind === 'postgres' && test.connectionString) {
      rows.push(pgbenchRow(test.connectionString, concurrency));
    }
  } finally {
    await test.close();
  }
}

function pgbenchRow(connectionString: string, clients: number): Row {
  const measured: number[] = [];
  execFileSync('pgbench', ['-i', '-q', '-s', '1', connectionString], { stdio: 'ignore' });
  for (let run = 0; run < runs; run += 1) {
    const output = execFileSync('pgbench', ['-N', '-n', '-c', String(clients), '-j', '2', '-T', String(seconds), connectionString], { encoding: 'utf8' });
    const match = /tps = ([\d.]+)/.exec(output);
    if (!match) throw new Error(`pgbench printed no tps:\n${output}`);
    measured.push(Number(match[1]));
  }
  return { target: 'pgbench -N (same server)', concurrency: clients, runs: measured, median: median(measured) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

console.log(`\nGrant throughput, one grant per transaction (${runs} runs x ${seconds}s, median; ${os.cpus().length} cores)`);
console.log('| target | concurrency | tx/s (median) | runs |');
console.log('|---|---:|---:|---|');
for (const row of rows) console.log(`| ${row.target} | ${row.concurrency} | ${row.median.toFixed(0)} | ${row.runs.map((value) => value.toFixed(0)).join(', ')} |`);
const pgbench = rows.find((row) => row.target.startsWith('pgbench'));
const postgres = rows.find((row) => row.target.endsWith('postgres'));
if (pgbench && postgres) console.log(`\ngrant_credits / pgbench -N = ${(postgres.median / pgbench.median).toFixed(2)}`);
const file = path.join('bench', 'results', `grants-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify({ seconds, runs, concurrency, rows }, null, 2));
console.log(`written ${file}`);
