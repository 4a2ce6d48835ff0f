import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrate } from '../../server/db/migrate.ts';
import { openPostgres } from '../../server/db/openPostgres.ts';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { createSqlStorage } from '../../server/db/sqlStorage.ts';
import { findUser } from '../../server/ledger/findUser.ts';
import { createTestDatabase } from '../support/testStorage.ts';
import { userWithCredits } from '../support/userWithCredits.ts';
import { pgbouncerBinary, startPgbouncer } from '../support/pgbouncer.ts';
import { catalogOf } from '../support/catalogOf.ts';

/**
 * Proves migrations and the app work through a transaction-mode pooler: PgBouncer with 2 server
 * connections in front of a fresh database, 4 connection pools migrating it at once through it. Each
 * migration must be applied exactly once, the catalog must equal a direct migration's, no advisory
 * lock may stay held on the real server, and a grant and a read must go through (which also proves
 * that opening the pool sends no startup parameter PgBouncer refuses).
 */
describe.skipIf(!process.env.TEST_DATABASE_URL || pgbouncerBinary() === null)('migrations through PgBouncer in transaction mode', () => {
  const databases: { connectionString: string; drop(): Promise<void> }[] = [];
  let pooled: Awaited<ReturnType<typeof startPgbouncer>>;
  const open: SqlDatabase[] = [];
  const openPool = async (connectionString: string) => {
    const database = await openPostgres({ connectionString, poolSizeMax: 3, statementTimeoutMilliseconds: 30_000 });
    open.push(database);
    return database;
  };

  beforeAll(async () => {
    databases.push(await createTestDatabase(), await createTestDatabase());
    pooled = await startPgbouncer({ serverUrl: databases[0]!.connectionString, poolSize: 2 });
  });
  afterAll(async () => {
    await Promise.all(open.map((database) => database.close()));
    await pooled?.stop();
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('applies each migration exactly once from 4 concurrent migrators, the same catalog as a direct migration, no advisory lock left', async () => {
    const migrators = await Promise.all([1, 2, 3, 4].map(() => openPool(pooled.url)));
    const results = await Promise.all(migrators.map((database) => migrate(database)));

    const appliedByAll = results.flatMap((result) => result.applied).sort();
    const direct = await openPool(databases[1]!.connectionString);
    const directResult = await migrate(direct);
    expect(appliedByAll).toEqual([...directResult.applied].sort());
    expect(new Set(appliedByAll).size).toBe(appliedByAll.length);

    const server = await openPool(databases[0]!.connectionString);
    const recorded = await server.query<{ count: number }>(
      `select (select count(*) from topup_schema_migrations) + (select count(*) from topup_function_files) as count`,
    );
    expect(Number(recorded[0]!.count)).toBe(directResult.applied.length);
    expect(await catalogOf(databases[0]!.connectionString)).toEqual(await catalogOf(databases[1]!.connectionString));
    // pg_locks is cluster-wide and other suites migrate at the same time: only this database counts.
    const locks = await server.query(
      `select * from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(locks).toEqual([]);
  });

  it('serves the app through it: a grant and a read, with the statement timeout in force and not left on the connection', async () => {
    const database = await openPool(pooled.url);
    const storage = createSqlStorage(database);
    const entry = await userWithCredits(storage, 'user_pooled', 12, { reason: 'through the pooler', actor: 'test', idempotencyKey: 'pooled-grant' });
    expect(entry.balanceAfter).toBe(12);
    expect((await findUser(storage, 'user_pooled'))?.credits).toBe(12);

    const [inside] = await database.query<{ timeout: string }>(`select current_setting('statement_timeout') as timeout`);
    expect(inside?.timeout).toBe('30s');
    // A plain client through the same pooler shares those 2 server connections: it must see the
    // server's default, not a timeout set by another client.
    const plain = new pg.Client({ connectionString: pooled.url });
    await plain.connect();
    try {
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const { rows } = await plain.query<{ timeout: string }>(`select current_setting('statement_timeout') as timeout`);
        expect(rows[0]?.timeout).toBe('0');
      }
    } finally {
      await plain.end();
    }
  });
});
