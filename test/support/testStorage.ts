import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Storage } from '../../server/db/storage.ts';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { openPglite } from '../../server/db/openPglite.ts';
import { openPostgres } from '../../server/db/openPostgres.ts';
import { createSqlStorage } from '../../server/db/sqlStorage.ts';
import { createSupabaseStorage } from '../../server/db/supabaseStorage.ts';
import { migrate } from '../../server/db/migrate.ts';
import { startPostgrestServer } from './postgrestServer.ts';
import { applySupabaseDefaultPrivileges, createSupabaseRoles } from './supabaseRoles.ts';

export type StorageKind = 'pglite' | 'postgres';
export type LedgerStorageKind = StorageKind | 'supabase';

/** PGlite always; real PostgreSQL too when TEST_DATABASE_URL is set (CI sets it on its second run). */
export function storageKindsUnderTest(): StorageKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** Every adapter: supabase-js goes through a PostgREST-compatible endpoint on the same kind of database. */
export function ledgerStorageKindsUnderTest(): LedgerStorageKind[] {
  return [...storageKindsUnderTest(), 'supabase'];
}

export interface TestStorage {
  storage: Storage;
  /** Raw SQL on the same database, for setup and assertions (the supabase kind shares its backing one). */
  database: SqlDatabase;
  /** A connection string to this database (postgres only), for child processes. */
  connectionString: string | null;
  /** The supabase kind only: its PostgREST-compatible endpoint and both keys (anon runs as `anon`). */
  supabase?: { url: string; serviceRoleKey: string; anonKey: string };
  close(): Promise<void>;
}

/** A fresh, migrated, empty database per call: PGlite in memory, or a new PostgreSQL database. */
export async function createTestStorage(
  kind: LedgerStorageKind,
  options: { beforeMigrate?: (database: SqlDatabase) => Promise<void> } = {},
): Promise<TestStorage> {
  if (kind === 'supabase') return createSupabaseTestStorage();
  const beforeMigrate = options.beforeMigrate ?? (async () => undefined);
  if (kind === 'pglite') {
    const database = await openPglite({ directory: null });
    await beforeMigrate(database);
    await migrate(database);
    return { storage: createSqlStorage(database), database, connectionString: null, close: () => database.close() };
  }
  const { connectionString, drop } = await createTestDatabase();
  const database = await openPostgres({ connectionString, poolSizeMax: 20, statementTimeoutMilliseconds: 30_000 });
  await beforeMigrate(database);
  await migrate(database);
  return {
    storage: createSqlStorage(database),
    database,
    connectionString,
    async close() {
      await database.close();
      await drop();
    },
  };
}

/**
 * A fresh database of `kind` for the enclosing `describe`: created before its first test, closed
 * after its last. Call the returned function inside a test to get it.
 */
export function testStorageForSuite(kind: LedgerStorageKind): () => TestStorage {
  let test: TestStorage | null = null;
  beforeAll(async () => {
    test = await createTestStorage(kind);
  });
  afterAll(async () => {
    await test?.close();
    test = null;
  });
  return () => {
    if (test === null) throw new Error('the suite database exists only while its tests run');
    return test;
  };
}

/** Creates an empty PostgreSQL database next to TEST_DATABASE_URL's; `drop` removes it. */
export async function createTestDatabase(): Promise<{ connectionString: string; drop(): Promise<void> }> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `topup_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * The backing database is set up like a Supabase project before migrating (its roles, and default
 * privileges granting `public` to them), and the endpoint runs each call as the key's role: the suites
 * prove the functions work as `service_role` after the privileges step, as on Supabase.
 */
async function createSupabaseTestStorage(): Promise<TestStorage> {
  const backing = await createTestStorage(storageKindsUnderTest().includes('postgres') ? 'postgres' : 'pglite', {
    async beforeMigrate(database) {
      await createSupabaseRoles(database);
      await applySupabaseDefaultPrivileges(database);
    },
  });
  const serviceRoleKey = `test-service-role-${crypto.randomBytes(8).toString('hex')}`;
  const anonKey = `test-anon-${crypto.randomBytes(8).toString('hex')}`;
  const postgrest = await startPostgrestServer({ database: backing.database, serviceRoleKey, anonKey });
  const storage = createSupabaseStorage({ url: postgrest.url, serviceRoleKey });
  return {
    storage,
    database: backing.database,
    connectionString: backing.connectionString,
    supabase: { url: postgrest.url, serviceRoleKey, anonKey },
    async close() {
      await storage.close();
      await postgrest.close();
      await backing.close();
    },
  };
}
