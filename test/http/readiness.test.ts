import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

/** Makes every new session of the server's database read-only (or writable again) and drops the current ones. */
async function setReadOnly(connectionString: string, readOnly: boolean): Promise<void> {
  const name = new URL(connectionString).pathname.slice(1);
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`alter database ${name} ${readOnly ? 'set default_transaction_read_only = on' : 'reset default_transaction_read_only'}`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  } finally {
    await admin.end();
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('readiness on PostgreSQL', () => {
  let server: TestTopup;

  beforeAll(async () => {
    server = await startTestTopup({ kind: 'postgres' });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function readiness() {
    const response = await fetch(`${server.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { status: string; detail: string } };
  }

  it('answers 503 while the database answers but cannot write, and 200 again once it can', async () => {
    // Proves /readyz writes, not only reads: with every session read-only (as on a replica), the probe's write fails and the instance is taken out of rotation.
    expect((await readiness()).status).toBe(200);
    await setReadOnly(server.test!.connectionString!, true);
    try {
      const notReady = await vi.waitFor(async () => {
        const answer = await readiness();
        if (answer.status !== 503) throw new Error(`still ${answer.status}`);
        return answer;
      }, { timeout: 10_000, interval: 100 });
      expect(notReady.body).toMatchObject({ status: 'not_ready' });
      expect(notReady.body.detail).toMatch(/^database cannot write: .*read-only transaction/);
    } finally {
      await setReadOnly(server.test!.connectionString!, false);
    }
    await vi.waitFor(async () => {
      if ((await readiness()).status !== 200) throw new Error('not ready yet');
    }, { timeout: 10_000, interval: 100 });
  });
});
