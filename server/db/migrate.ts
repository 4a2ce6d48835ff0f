import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';

/**
 * The SQL comes in two kinds (see `server/db/README.md`):
 *
 * - **Schema migrations**, `schema/NNNN_name.sql`: tables, indexes, constraints, data changes.
 *   Numbered, forward-only, applied once in order and recorded with their sha256 in
 *   `topup_schema_migrations`; never edited after they land (an edited one stops the boot). They are
 *   plain SQL and must not call or reference anything from `functions/`: they run before the
 *   function files, on a fresh database when none exist yet.
 * - **Function files**, `functions/<topic>.sql`: functions, triggers, views. Code, not history:
 *   re-applied whenever their content changes (like Flyway's repeatable migrations), in the order of
 *   `functionFileOrder`, their checksums kept in `topup_function_files`. Each must be re-runnable:
 *   `create or replace function`, `drop function if exists` for a signature that changed (or a
 *   function removed), `create or replace trigger`.
 *
 * Every file is applied in its own transaction; a failure rolls it back and stops the boot. Concurrent
 * boots (two server instances, two `npm run migrate`) are serialized by a transaction-level advisory
 * lock taken at the start of each of those transactions, after which what is applied is read again:
 * the second instance waits, then finds nothing to do. A session-level lock is not used on purpose:
 * behind a transaction-mode pooler (PgBouncer, Supabase's pooler) it could stay held by a server
 * connection that another client gets next.
 *
 * A database built by the first runner (`schema_migrations` with the seven shipped files of commit
 * 347edd6) is adopted in place: see `adoptLegacyMigrations`.
 *
 * Sibling `.test.sql` files hold `ASSERT` blocks that `runMigrationTests` executes.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
export const schemaDirectory = path.join(here, 'schema');
export const functionsDirectory = path.join(here, 'functions');
/** The privileges step, run last by every `migrate` (see the file and `server/db/README.md`). */
export const privilegesFile = path.join(here, 'privileges.sql');

/** The order function files are applied in: a file may use what the files before it define. */
export const functionFileOrder = [
  'time',
  'pagination',
  'lots',
  'users',
  'ledger',
  'holds',
  'spend_batch',
  'money',
  'purchases',
  'refunds',
  'stripe_events',
  'stripe_event_log',
  'queries',
  'statistics',
  'rate_limits',
  'webhooks',
  'webhook_deliveries',
  'mail',
  'audit',
  'auto_top_up',
  'retention',
  'migrations',
] as const;

/** Arbitrary, fixed: the key of the transaction-level advisory lock that serializes migration runs. */
const migrationLockKey = 720_431_337;

/**
 * The seven migrations the first runner applied (commit 347edd6), by name, with their sha256 and the
 * schema migrations that hold their tables now (their functions live in `functions/`). The snapshots
 * are in `test/db/fixtures/v1-migrations.json`, and `test/db/legacyUpgrade.test.ts` checks these sums.
 */
export const legacyMigrations: Record<string, { checksum: string; schema: string[] }> = {
  '0001_users': { checksum: 'd40a05a6cb567a534dd9516a1316cca8128e4cfc95778ab0cb664a4a0959165e', schema: ['0001_users'] },
  '0002_credit_ledger': { checksum: 'a81a5551035d587b64fe28bbd3071f0559ad5135dc32324ac558e0aca3f0e434', schema: ['0002_credit_ledger'] },
  '0003_credit_purchases': { checksum: 'c47b12a4051963e5155bc9cc0b7c6953f99887888bb46d64f579d491eac3c17d', schema: ['0003_credit_purchases'] },
  '0004_stripe_events': { checksum: 'e77767088cd881476bd6d7dc243deda8f7ae295ee0ab49d57e245983d4ec137d', schema: ['0004_stripe_events'] },
  '0005_ledger_queries': { checksum: '91025df546292adcc9a14b2269ffdbcffe1feb8d371d7beee011103aef56e1a6', schema: [] },
  '0006_statistics': { checksum: '453b118a8a97279bf1646c0e1600d57c5cfb9cda48640a6db10b64546d73306e', schema: [] },
  '0007_stripe_event_transactions': { checksum: '71235a6823546821d1cfe9f91ab3d266e43fcd80db3d1cb2b9596d8788044eca', schema: [] },
};

export interface SqlFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationDirectories {
  schemaDirectory?: string;
  functionsDirectory?: string;
}

export function readSchemaMigrations(directory = schemaDirectory): SqlFile[] {
  return fs
    .readdirSync(directory)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file) && !file.endsWith('.test.sql'))
    .sort()
    .map((file) => readSqlFile(directory, file));
}

/** The function files in `functionFileOrder`; a file missing from the order (or the folder) is a bug. */
export function readFunctionFiles(directory = functionsDirectory): SqlFile[] {
  const present = fs.readdirSync(directory).filter((file) => file.endsWith('.sql') && !file.endsWith('.test.sql'));
  const ordered = functionFileOrder.map((topic) => `${topic}.sql`);
  const unordered = present.filter((file) => !ordered.includes(file));
  const missing = ordered.filter((file) => !present.includes(file));
  if (unordered.length > 0 || missing.length > 0) {
    throw new MigrationError(
      `functions/ and functionFileOrder disagree: not in the order: [${unordered.join(', ')}], missing: [${missing.join(', ')}]`,
    );
  }
  return ordered.map((file) => readSqlFile(directory, file));
}

/**
 * Applies pending schema migrations, then every function file whose content changed. Returns the
 * names applied (`0005_x` for schema migrations, `functions/topic` for function files).
 * Errors: MigrationError (an edited schema migration, a failing file, an unknown legacy checksum).
 */
export async function migrate(
  database: SqlDatabase,
  options: MigrationDirectories & { log?: (message: string) => void } = {},
): Promise<{ applied: string[] }> {
  const schemaFiles = readSchemaMigrations(options.schemaDirectory);
  const functionFiles = readFunctionFiles(options.functionsDirectory);
  const applied: string[] = [];
  const note = (name: string) => {
    options.log?.(`applied ${name}`);
    applied.push(name);
  };
  const state = await readState(database);
  if (!state.bookkept || state.legacy) {
    await inLockedTransaction(database, 'bookkeeping', async (transaction) => {
      await ensureBookkeepingTables(transaction);
      await adoptLegacyMigrations(transaction, schemaFiles);
    });
  }
  const known = await readState(database);
  assertChecksums(schemaFiles, known.schema);
  const ahead = newerSchemaMigrations(known, schemaFiles);
  if (ahead.length > 0) {
    // An older release booting during a rolling deploy (or a rollback): the database already has a
    // newer release's schema and functions. Its own function files would replace the newer ones
    // under the newer instances, so they are left as they are (see server/db/README.md).
    options.log?.(`the database is ahead of this release (${ahead.join(', ')}): function files left as they are`);
  }
  // Only what looked pending without the lock is attempted; under the lock it is checked again.
  for (const file of schemaFiles.filter((candidate) => !known.schema.has(candidate.name))) {
    const done = await inLockedTransaction(database, file.name, async (transaction) => {
      const recorded = await checksumOf(transaction, 'topup_schema_migrations', file.name);
      if (recorded !== null) return false;
      await transaction.exec(file.sql);
      await transaction.query('insert into topup_schema_migrations (name, checksum) values ($1, $2)', [file.name, file.checksum]);
      return true;
    });
    if (done) note(file.name);
  }
  for (const file of functionFiles.filter((candidate) => ahead.length === 0 && known.functions.get(candidate.name) !== candidate.checksum)) {
    const done = await inLockedTransaction(database, `functions/${file.name}`, async (transaction) => {
      const recorded = await checksumOf(transaction, 'topup_function_files', file.name);
      if (recorded === file.checksum) return false;
      await transaction.exec(file.sql);
      await transaction.query(
        `insert into topup_function_files (name, checksum) values ($1, $2)
         on conflict (name) do update set checksum = excluded.checksum, applied_at = now()`,
        [file.name, file.checksum],
      );
      return true;
    });
    if (done) note(`functions/${file.name}`);
  }
  // After every run, not only when something was applied: an object created by hand or by an older
  // runner is covered too, and the step is a no-op when nothing would change.
  await inLockedTransaction(database, 'privileges', (transaction) => transaction.exec(readPrivilegesStep()));
  return { applied };
}

/** The SQL of the privileges step: a no-op unless the Supabase roles exist (see `privileges.sql`). */
export function readPrivilegesStep(): string {
  return fs.readFileSync(privilegesFile, 'utf8');
}

/** Schema migrations the database has applied that this release does not have: a newer release's. */
function newerSchemaMigrations(state: { schema: Map<string, string> }, schemaFiles: SqlFile[]): string[] {
  const known = new Set(schemaFiles.map((file) => file.name));
  return [...state.schema.keys()].filter((name) => !known.has(name));
}

/**
 * What is applied and what is pending (schema migrations by name, function files as `functions/topic`),
 * and `ahead`: the newer releases' schema migrations when the database is ahead of this release (its
 * function files are then the newer release's, and nothing is pending: see `migrate`).
 */
export async function migrationStatus(
  database: SqlExecutor,
  directories: MigrationDirectories = {},
): Promise<{ applied: string[]; pending: string[]; ahead: string[] }> {
  const state = await readState(database);
  return {
    applied: [...state.schema.keys()],
    ...pendingOf(state, directories),
  };
}

/**
 * The same answer from `applied_migrations()` and `applied_function_files()` (readiness through
 * supabase-js, which cannot read tables directly).
 */
export function pendingFrom(applied: { schema: string[]; functions: Record<string, string> }): { pending: string[]; ahead: string[] } {
  return pendingOf({
    schema: new Map(applied.schema.map((name) => [name, ''] as const)),
    functions: new Map(Object.entries(applied.functions)),
  });
}

/** Readiness's detail: how many schema migrations are applied, and whether a newer release's are among them. */
export function readyDetail(appliedCount: number, ahead: string[]): string {
  const applied = `${appliedCount} migrations applied`;
  return ahead.length === 0 ? applied : `${applied}; the database is ahead of this release (${ahead.join(', ')})`;
}

function pendingOf(
  state: { schema: Map<string, string>; functions: Map<string, string> },
  directories: MigrationDirectories = {},
): { pending: string[]; ahead: string[] } {
  const schemaFiles = readSchemaMigrations(directories.schemaDirectory);
  const ahead = newerSchemaMigrations(state, schemaFiles);
  const schemaPending = schemaFiles.filter((file) => !state.schema.has(file.name)).map((file) => file.name);
  const functionsPending =
    ahead.length > 0
      ? []
      : readFunctionFiles(directories.functionsDirectory)
          .filter((file) => state.functions.get(file.name) !== file.checksum)
          .map((file) => `functions/${file.name}`);
  return { pending: [...schemaPending, ...functionsPending], ahead };
}

/**
 * Runs every `.test.sql` (schema migrations' first, then the function files' in their order), each in
 * a transaction that is rolled back, so tests leave no data. Returns the files run.
 */
export async function runMigrationTests(database: SqlDatabase, directories: MigrationDirectories = {}): Promise<string[]> {
  const schemaTests = fs
    .readdirSync(directories.schemaDirectory ?? schemaDirectory)
    .filter((file) => file.endsWith('.test.sql'))
    .sort()
    .map((file) => path.join(directories.schemaDirectory ?? schemaDirectory, file));
  const functionTests = functionFileOrder
    .map((topic) => path.join(directories.functionsDirectory ?? functionsDirectory, `${topic}.test.sql`))
    .filter((file) => fs.existsSync(file));
  const files = [...schemaTests, ...functionTests];
  // `pg_temp.assert_refused` and its kind, for the test files (see the file): temporary, rolled back with each test.
  const testingHelpers = fs.readFileSync(path.join(here, 'testing.sql'), 'utf8');
  for (const file of files) {
    const sql = fs.readFileSync(file, 'utf8');
    await database
      .transaction(async (transaction) => {
        await transaction.exec(testingHelpers);
        await transaction.exec(sql);
        throw new RollbackSignal();
      })
      .catch((error: unknown) => {
        if (error instanceof RollbackSignal) return;
        throw new MigrationError(`${path.relative(here, file)}: ${(error as Error).message}`);
      });
  }
  return files.map((file) => path.relative(here, file));
}

class RollbackSignal extends Error {}

interface MigrationState {
  /** Both bookkeeping tables exist. */
  bookkept: boolean;
  /** The first runner's `schema_migrations` still holds some of the shipped migrations. */
  legacy: boolean;
  schema: Map<string, string>;
  functions: Map<string, string>;
}

/** A read without the lock: the fast path of a boot with nothing to do, and readiness. */
async function readState(database: SqlExecutor): Promise<MigrationState> {
  const [tables] = await database.query<{ schema: boolean; functions: boolean; legacy: boolean }>(
    `select to_regclass('topup_schema_migrations') is not null as schema,
            to_regclass('topup_function_files') is not null as functions,
            to_regclass('schema_migrations') is not null as legacy`,
  );
  const readTable = async (table: string) =>
    new Map(
      (await database.query<{ name: string; checksum: string }>(`select name, checksum from ${table} order by name`)).map(
        (row) => [row.name, row.checksum] as const,
      ),
    );
  let legacy = false;
  if (tables!.legacy) {
    const rows = await database.query<{ count: number }>(
      'select count(*)::int as count from schema_migrations where name = any($1)',
      [Object.keys(legacyMigrations)],
    );
    legacy = rows[0]!.count > 0;
  }
  return {
    bookkept: tables!.schema && tables!.functions,
    legacy,
    schema: tables!.schema ? await readTable('topup_schema_migrations') : new Map(),
    functions: tables!.functions ? await readTable('topup_function_files') : new Map(),
  };
}

/** `work` in a transaction that first takes the migration lock; a failure is a MigrationError. */
async function inLockedTransaction<Result>(
  database: SqlDatabase,
  what: string,
  work: (transaction: SqlExecutor) => Promise<Result>,
): Promise<Result> {
  try {
    return await database.transaction(async (transaction) => {
      await transaction.query('select pg_advisory_xact_lock($1)', [migrationLockKey]);
      return work(transaction);
    });
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(`Migration ${what} failed: ${(error as Error).message}`);
  }
}

/** The two bookkeeping tables (also the first file of the Supabase CLI export). */
export const bookkeepingTablesSql = `
    create table if not exists topup_schema_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    );
    create table if not exists topup_function_files (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`;

async function ensureBookkeepingTables(transaction: SqlExecutor): Promise<void> {
  await transaction.exec(bookkeepingTablesSql);
}

/**
 * A database migrated by the first runner: each shipped migration found in `schema_migrations` (with
 * its shipped checksum, or this stops) records the schema migrations that now hold its tables as
 * applied (the tables are already there, identical), and its row leaves `schema_migrations`, which is
 * dropped once empty (other tools may share that name: their rows are left alone). The function
 * files then replace the shipped functions: they drop the signatures that changed.
 */
async function adoptLegacyMigrations(transaction: SqlExecutor, schemaFiles: SqlFile[]): Promise<void> {
  const [{ exists }] = (await transaction.query<{ exists: boolean }>(
    `select to_regclass('schema_migrations') is not null as exists`,
  )) as [{ exists: boolean }];
  if (!exists) return;
  const rows = await transaction.query<{ name: string; checksum: string; applied_at: Date }>(
    'select name, checksum, applied_at from schema_migrations where name = any($1) order by name',
    [Object.keys(legacyMigrations)],
  );
  if (rows.length === 0) return;
  for (const row of rows) {
    const legacy = legacyMigrations[row.name]!;
    if (row.checksum !== legacy.checksum) {
      throw new MigrationError(
        `schema_migrations records ${row.name} with checksum ${row.checksum}, not the shipped ${legacy.checksum}: ` +
          'this database was migrated by an edited copy of Topup, and cannot be adopted automatically.',
      );
    }
    for (const name of legacy.schema) {
      const file = schemaFiles.find((candidate) => candidate.name === name);
      if (!file) throw new MigrationError(`schema/${name}.sql, which holds the tables of ${row.name}, is missing`);
      await transaction.query(
        `insert into topup_schema_migrations (name, checksum, applied_at) values ($1, $2, $3) on conflict (name) do nothing`,
        [file.name, file.checksum, row.applied_at],
      );
    }
  }
  await transaction.query('delete from schema_migrations where name = any($1)', [rows.map((row) => row.name)]);
  const [{ remaining }] = (await transaction.query<{ remaining: number }>(
    'select count(*)::int as remaining from schema_migrations',
  )) as [{ remaining: number }];
  if (remaining === 0) await transaction.exec('drop table schema_migrations');
}

async function checksumOf(transaction: SqlExecutor, table: string, name: string): Promise<string | null> {
  const rows = await transaction.query<{ checksum: string }>(`select checksum from ${table} where name = $1`, [name]);
  return rows[0]?.checksum ?? null;
}

function assertChecksums(files: SqlFile[], applied: Map<string, string>): void {
  for (const file of files) {
    const checksum = applied.get(file.name);
    if (checksum !== undefined && checksum !== file.checksum) {
      throw new MigrationError(
        `Schema migration ${file.name} was edited after it was applied (checksum differs). ` +
          'Schema migrations are forward-only: revert the edit and add a new migration instead.',
      );
    }
  }
}

function readSqlFile(directory: string, file: string): SqlFile {
  const sql = fs.readFileSync(path.join(directory, file), 'utf8');
  return { name: file.replace(/\.sql$/, ''), sql, checksum: sha256(sql) };
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
