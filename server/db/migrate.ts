import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';

/**
 * Forward-only migrations: `server/db/migrations/NNNN_name.sql`, applied in order, each in its own
 * transaction, recorded with a checksum. A migration edited after it was applied, or one that fails,
 * stops the boot. A session-level advisory lock makes concurrent boots (two server instances, two
 * test processes) apply each migration exactly once: the second waits, then finds nothing to do.
 * Sibling `NNNN_name.test.sql` files hold `ASSERT` blocks that `runMigrationTests` executes.
 */
export const migrationsDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Arbitrary, fixed: the key of the advisory lock that serializes migration runs. */
const migrationLockKey = 720_431_337;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function readMigrations(directory = migrationsDirectory): Migration[] {
  return fs
    .readdirSync(directory)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file) && !file.endsWith('.test.sql'))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(directory, file), 'utf8');
      return { name: file.replace(/\.sql$/, ''), sql, checksum: sha256(sql) };
    });
}

export async function migrate(
  database: SqlDatabase,
  options: { directory?: string; log?: (message: string) => void } = {},
): Promise<{ applied: string[] }> {
  const migrations = readMigrations(options.directory);
  return database.withSession(async (session) => {
    await session.query('select pg_advisory_lock($1)', [migrationLockKey]);
    try {
      await ensureMigrationsTable(session);
      const applied = await appliedMigrations(session);
      assertChecksums(migrations, applied);
      const newlyApplied: string[] = [];
      for (const migration of migrations.filter((candidate) => !applied.has(candidate.name))) {
        await applyOne(session, migration);
        options.log?.(`applied migration ${migration.name}`);
        newlyApplied.push(migration.name);
      }
      return { applied: newlyApplied };
    } finally {
      await session.query('select pg_advisory_unlock($1)', [migrationLockKey]);
    }
  });
}

export async function migrationStatus(database: SqlExecutor): Promise<{ applied: string[]; pending: string[] }> {
  const migrations = readMigrations();
  const [{ exists }] = (await database.query<{ exists: boolean }>(
    `select to_regclass('schema_migrations') is not null as exists`,
  )) as [{ exists: boolean }];
  const applied = exists ? await appliedMigrations(database) : new Map<string, string>();
  return {
    applied: [...applied.keys()],
    pending: migrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name),
  };
}

/** Runs every `.test.sql` file in a transaction that is rolled back, so tests leave no data. */
export async function runMigrationTests(database: SqlDatabase, directory = migrationsDirectory): Promise<string[]> {
  const files = fs.readdirSync(directory).filter((file) => file.endsWith('.test.sql')).sort();
  for (const file of files) {
    const sql = fs.readFileSync(path.join(directory, file), 'utf8');
    await database
      .transaction(async (transaction) => {
        await transaction.exec(sql);
        throw new RollbackSignal();
      })
      .catch((error: unknown) => {
        if (error instanceof RollbackSignal) return;
        throw new MigrationError(`${file}: ${(error as Error).message}`);
      });
  }
  return files;
}

class RollbackSignal extends Error {}

async function ensureMigrationsTable(session: SqlExecutor): Promise<void> {
  await session.exec(`
    create table if not exists schema_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
}

async function appliedMigrations(session: SqlExecutor): Promise<Map<string, string>> {
  const rows = await session.query<{ name: string; checksum: string }>(
    'select name, checksum from schema_migrations order by name',
  );
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

function assertChecksums(migrations: Migration[], applied: Map<string, string>): void {
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new MigrationError(
        `Migration ${migration.name} was edited after it was applied (checksum differs). ` +
          'Migrations are forward-only: revert the edit and add a new migration instead.',
      );
    }
  }
}

async function applyOne(session: SqlExecutor, migration: Migration): Promise<void> {
  await session.exec('begin');
  try {
    await session.exec(migration.sql);
    await session.query('insert into schema_migrations (name, checksum) values ($1, $2)', [
      migration.name,
      migration.checksum,
    ]);
    await session.exec('commit');
  } catch (error) {
    await session.exec('rollback').catch(() => undefined);
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
  }
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
