import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, storageKindsUnderTest, type StorageKind } from '../support/testStorage.ts';
import type { SqlDatabase, SqlExecutor } from '../../server/db/sqlDatabase.ts';
import { openPglite } from '../../server/db/openPglite.ts';
import { openPostgres } from '../../server/db/openPostgres.ts';
import { legacyMigrations, migrate, migrationStatus, MigrationError, readSchemaMigrations } from '../../server/db/migrate.ts';
import { createSqlStorage } from '../../server/db/sqlStorage.ts';

/** The seven migrations as shipped in commit 347edd6 (`git show 347edd6:server/db/migrations/<file>`). */
/** Schema migrations written after the first layout shipped (0005 on): an adopted database applies them as new. */
const schemaAfterV1 = readSchemaMigrations().map((migration) => migration.name).filter((name) => name > '0004_stripe_events');

/**
 * The shipped migrations of the first layout, byte for byte, as test data (one JSON file, so the
 * frozen copies are not mistaken for code the repository maintains); their checksums must equal the
 * ones `migrate` recognizes.
 */
const v1Fixture = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'v1-migrations.json'), 'utf8'),
) as { migrations: Array<{ name: string; sql: string }> };
const v1Migrations = v1Fixture.migrations.map(({ name, sql }) => ({ name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') }));

/** An empty database of `kind`, closed and dropped by the returned function. */
async function emptyDatabase(kind: StorageKind): Promise<{ database: SqlDatabase; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const database = await openPglite({ directory: null });
    return { database, close: () => database.close() };
  }
  const { connectionString, drop } = await createTestDatabase();
  const database = await openPostgres({ connectionString, poolSizeMax: 4, statementTimeoutMilliseconds: 30_000 });
  return {
    database,
    async close() {
      await database.close();
      await drop();
    },
  };
}

/** What the first runner did: `schema_migrations`, then each file and its row in one transaction. */
async function migrateAsV1(database: SqlDatabase, count = v1Migrations.length): Promise<void> {
  await database.exec(`
    create table if not exists schema_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
  for (const migration of v1Migrations.slice(0, count)) {
    await database.transaction(async (transaction) => {
      await transaction.exec(migration.sql);
      await transaction.query('insert into schema_migrations (name, checksum) values ($1, $2)', [migration.name, migration.checksum]);
    });
  }
}

/** Data written through the shipped functions: a user, grants, a spend, a purchase paid by an event, a partial refund. */
async function writeV1Data(database: SqlDatabase): Promise<void> {
  await database.exec(`
    select ensure_user('user_legacy', 'legacy@example.com');
    select grant_credits('user_legacy', 50, 'adjustment', 'opening', 'system', 'legacy:grant:1');
    select spend_credits('user_legacy', 20, 'export', 'service:test', 'legacy:spend:1');
    select record_checkout_session('cs_legacy_one', 'user_legacy', 100, 100, 'usd');
    select apply_checkout_event('evt_legacy_paid', 'checkout.session.completed', 1764000000, false,
      'cs_legacy_one', 'paid', 100, 'usd', 'pi_legacy_one', null, null, 'user_legacy', 100);
    select apply_payment_event('evt_legacy_refund', 'charge.refunded', 1764000100, false, 'pi_legacy_one', 40);
    select record_checkout_session('cs_legacy_open', 'user_legacy', 71, 71, 'usd');
  `);
}

/** Every row of the data tables, as JSON text, in a stable order. */
async function dataSnapshot(database: SqlExecutor): Promise<Record<string, unknown[]>> {
  const tables = { users: 'id', credit_ledger: 'id', credit_purchases: 'session_id', stripe_payment_states: 'payment_intent_id', stripe_events: 'id' };
  const snapshot: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(tables)) {
    const rows = await database.query<{ row: string }>(`select to_jsonb(t)::text as row from ${table} t order by ${key}`);
    snapshot[table] = rows.map((row) => JSON.parse(row.row) as unknown);
  }
  return snapshot;
}

/** `after`'s rows with only the columns `before`'s rows of the same table have. */
function onlyColumnsOf(after: Record<string, unknown[]>, before: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(after).map(([table, rows]) => {
      const columns = Object.keys((before[table]?.[0] ?? {}) as Record<string, unknown>);
      return [table, rows.map((row) => Object.fromEntries(columns.map((column) => [column, (row as Record<string, unknown>)[column]])))];
    }),
  );
}

/** The public schema as the catalog prints it: columns, constraints, indexes, functions, triggers, views, types. */
async function catalogSnapshot(database: SqlExecutor): Promise<Record<string, string[]>> {
  const lines = async (sql: string) => (await database.query<{ line: string }>(sql)).map((row) => row.line);
  return {
    columns: await lines(`
      select format('%s.%s #%s %s %s null=%s default=%s identity=%s', c.table_name, c.column_name, c.ordinal_position,
        c.data_type, c.udt_name, c.is_nullable, coalesce(c.column_default, '-'), c.is_identity) as line
      from information_schema.columns c where c.table_schema = 'public' order by 1`),
    constraints: await lines(`
      select format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as line
      from pg_constraint where connamespace = 'public'::regnamespace order by 1`),
    indexes: await lines(`select indexdef as line from pg_indexes where schemaname = 'public' order by 1`),
    functions: await lines(`
      select format('%s(%s) %s', p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)) as line
      from pg_proc p where p.pronamespace = 'public'::regnamespace order by 1`),
    triggers: await lines(`select pg_get_triggerdef(oid) as line from pg_trigger where not tgisinternal order by 1`),
    views: await lines(`select format('%s %s', viewname, definition) as line from pg_views where schemaname = 'public' order by 1`),
    types: await lines(`
      select format('%s %s', t.typname, t.typtype) as line from pg_type t
      where t.typnamespace = 'public'::regnamespace and t.typtype in ('d', 'e', 'c') and t.typrelid = 0 order by 1`),
  };
}

describe('the shipped migrations', () => {
  it('are the snapshots whose checksums the runner recognizes', () => {
    // Proves the hard-coded legacy checksums are those of the files that shipped (the fixtures are `git show 347edd6:...`).
    expect(Object.fromEntries(v1Migrations.map((migration) => [migration.name, migration.checksum]))).toEqual(
      Object.fromEntries(Object.entries(legacyMigrations).map(([name, legacy]) => [name, legacy.checksum])),
    );
  });
});

describe.each(storageKindsUnderTest())('upgrading a database built by the shipped migrations on %s', (kind) => {
  it('keeps every row and ends with the catalog of a fresh database', async () => {
    // Proves the in-place upgrade: a database migrated and filled by the v1 runner is migrated by this one; its data
    // is unchanged, its catalog (columns, constraints, indexes, functions, triggers) equals a fresh one's, and it works.
    const legacy = await emptyDatabase(kind);
    const fresh = await emptyDatabase(kind);
    try {
      await migrateAsV1(legacy.database);
      await writeV1Data(legacy.database);
      const before = await dataSnapshot(legacy.database);
      expect(before.credit_ledger).toHaveLength(4);

      const { applied } = await migrate(legacy.database);
      expect(applied.filter((name) => !name.startsWith('functions/'))).toEqual(schemaAfterV1);
      // Every row keeps every value it had; columns added by later schema migrations are checked apart.
      const after = await dataSnapshot(legacy.database);
      expect(onlyColumnsOf(after, before)).toEqual(before);
      // 0005 backfilled the idempotency scopes: the spend's key is its caller's, every other key Topup's own.
      expect((after.credit_ledger as Array<Record<string, unknown>>).map((row) => [row.idempotency_key, row.idempotency_scope])).toEqual(
        (before.credit_ledger as Array<Record<string, unknown>>).map((row) => [
          row.idempotency_key,
          row.idempotency_key === null ? null : row.kind === 'spend' ? `client:${String(row.actor)}` : 'system',
        ]),
      );
      expect((await migrationStatus(legacy.database)).pending).toEqual([]);
      const leftovers = await legacy.database.query(`select 1 from pg_class where relname = 'schema_migrations'`);
      expect(leftovers).toHaveLength(0);

      await migrate(fresh.database);
      const upgraded = await catalogSnapshot(legacy.database);
      const expected = await catalogSnapshot(fresh.database);
      for (const part of Object.keys(expected)) expect(upgraded[part], part).toEqual(expected[part]);
      expect(upgraded.functions!.length).toBeGreaterThan(30);
      // The comparison above is the proof; this only guards against comparing two empty catalogs.
      expect((upgraded.triggers as string[]).filter((trigger) => trigger.includes('credit_ledger_append_only') || trigger.includes('credit_ledger_no_truncate'))).toHaveLength(2);

      // The upgraded database runs the new functions on the old rows: a replayed event is a duplicate,
      // the rest of the refund claws back, and the ledger is consistent.
      const storage = createSqlStorage(legacy.database);
      const event = { id: 'evt_legacy_paid', type: 'checkout.session.completed', created: 1764000000, livemode: false };
      expect(await storage.call('apply_checkout_event', { p_event: event, p_settlement: { sessionId: 'cs_legacy_one', outcome: 'paid' } }))
        .toEqual({ kind: 'duplicate' });
      const refund = await storage.call<{ kind: string; description: string }>('apply_payment_event', {
        p_event: { id: 'evt_legacy_refund_full', type: 'charge.refunded', created: 1764000200, livemode: false },
        p_payment_intent_id: 'pi_legacy_one',
        p_amount_refunded_minor: 100,
      });
      expect(refund).toMatchObject({ kind: 'payment_recorded', description: 'refund total 100: 100 credits clawed back' });
      expect(await storage.call('verify_ledger', {})).toMatchObject({ problemCount: 0 });
      expect(await storage.checkReady()).toMatchObject({ ready: true });
    } finally {
      await legacy.close();
      await fresh.close();
    }
  });

  it('finishes a partly migrated database, and leaves another tool\'s schema_migrations rows alone', async () => {
    // Proves adoption is per shipped migration: 0001-0003 adopted, 0004 applied as new; a foreign row keeps its table.
    const legacy = await emptyDatabase(kind);
    try {
      await migrateAsV1(legacy.database, 3);
      await legacy.database.exec(`insert into schema_migrations (name, checksum) values ('20240101_other_tool', 'x')`);
      const { applied } = await migrate(legacy.database);
      expect(applied.filter((name) => !name.startsWith('functions/'))).toEqual(['0004_stripe_events', ...schemaAfterV1]);
      const rows = await legacy.database.query<{ name: string }>('select name from schema_migrations');
      expect(rows).toEqual([{ name: '20240101_other_tool' }]);
      expect((await migrationStatus(legacy.database)).pending).toEqual([]);
    } finally {
      await legacy.close();
    }
  });

  it('refuses a database migrated by an edited copy of a shipped migration, changing nothing', async () => {
    // Proves an unknown checksum under a shipped name stops the boot instead of guessing what the schema is.
    const legacy = await emptyDatabase(kind);
    try {
      await migrateAsV1(legacy.database);
      await legacy.database.exec(`update schema_migrations set checksum = 'edited' where name = '0003_credit_purchases'`);
      await expect(migrate(legacy.database)).rejects.toBeInstanceOf(MigrationError);
      const rows = await legacy.database.query(`select 1 from pg_class where relname like 'topup_%'`);
      expect(rows).toHaveLength(0);
    } finally {
      await legacy.close();
    }
  });
});
