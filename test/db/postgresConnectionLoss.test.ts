import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../server/db/openPostgres.ts';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { createTestDatabase } from '../support/testStorage.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('a PostgreSQL connection lost mid-transaction', () => {
  let database: SqlDatabase;
  let drop: () => Promise<void>;
  let connectionString: string;

  beforeAll(async () => {
    ({ connectionString, drop } = await createTestDatabase());
    database = await openPostgres({ connectionString, poolSizeMax: 2, statementTimeoutMilliseconds: 10_000 });
  });

  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('fails that call, keeps the process alive, and serves the next call on a fresh connection', async () => {
    // Proves the checked-out client has an error listener: a backend killed under a transaction (as a database restart does) rejects the call instead of emitting an unhandled 'error' that would crash the server (found by npm run chaos).
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const name = new URL(connectionString).pathname.slice(1);
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      const inFlight = database.transaction(async (transaction) => {
        await transaction.query('select 1');
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await transaction.query('select pg_sleep(0.2)');
      });
      await expect(inFlight).rejects.toThrow();
      await admin.end();
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).toEqual([]);
      expect(await database.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
