import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, createTestStorage, storageKindsUnderTest } from '../support/testStorage.ts';
import {
  functionFileOrder,
  functionsDirectory,
  migrate,
  migrationStatus,
  readFunctionFiles,
  readSchemaMigrations,
  runMigrationTests,
  MigrationError,
} from '../../server/db/migrate.ts';

/** A copy of the schema migrations in a temporary folder, for tests that edit or add one. */
function copySchemaMigrations(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-schema-'));
  for (const file of readSchemaMigrations()) fs.writeFileSync(path.join(directory, `${file.name}.sql`), file.sql);
  return directory;
}

/** A copy of the function files in a temporary folder. */
function copyFunctionFiles(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-functions-'));
  for (const file of fs.readdirSync(functionsDirectory)) fs.copyFileSync(path.join(functionsDirectory, file), path.join(directory, file));
  return directory;
}

/** Runs `work` on a fresh, migrated test storage and a temporary copy of the SQL (`copy`); removes both after. */
async function withSqlCopy(
  kind: Parameters<typeof createTestStorage>[0],
  copy: () => string,
  work: (test: Awaited<ReturnType<typeof createTestStorage>>, directory: string) => Promise<void>,
): Promise<void> {
  const test = await createTestStorage(kind);
  const directory = copy();
  try {
    await work(test, directory);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
    await test.close();
  }
}
import { openPglite, processIdentity } from '../../server/db/openPglite.ts';
import { openPostgres } from '../../server/db/openPostgres.ts';

describe.each(storageKindsUnderTest())('migrations on %s', (kind) => {
  it('applies every migration and function file and passes every sibling .test.sql of ASSERT blocks', async () => {
    // Proves the schema's and the functions' own SQL tests hold on this engine: each file runs in a rolled-back transaction.
    const test = await createTestStorage(kind);
    try {
      const status = await migrationStatus(test.database);
      expect(status.pending).toEqual([]);
      expect(status.applied).toEqual(readSchemaMigrations().map((file) => file.name));
      const files = await runMigrationTests(test.database);
      expect(files).toHaveLength(readSchemaMigrations().length + functionFileOrder.length);
      expect(await test.storage.checkReady()).toMatchObject({ ready: true });
      const tables = await test.database.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = 'public' and table_name like '%migrations%' order by 1`,
      );
      expect(tables.map((row) => row.name)).toEqual(['topup_schema_migrations']);
    } finally {
      await test.close();
    }
  });

  it('is a no-op the second time, and refuses a schema migration edited after it was applied', async () => {
    // Proves forward-only: re-running applies nothing; a changed checksum stops the boot with a clear error.
    await withSqlCopy(kind, copySchemaMigrations, async (test, directory) => {
      expect((await migrate(test.database)).applied).toEqual([]);
      fs.appendFileSync(path.join(directory, '0001_users.sql'), '\n-- edited\n');
      await expect(migrate(test.database, { schemaDirectory: directory })).rejects.toThrow(/0001_users was edited after it was applied/);
    });
  });

  it('stops on a failing schema migration and leaves nothing of it behind', async () => {
    // Proves a broken migration throws MigrationError and its transaction is rolled back, unrecorded; readiness reports it pending.
    await withSqlCopy(kind, copySchemaMigrations, async (test, directory) => {
      fs.writeFileSync(path.join(directory, '9999_broken.sql'), 'create table half_done (id int);\nselect no_such_function();\n');
      await expect(migrate(test.database, { schemaDirectory: directory })).rejects.toBeInstanceOf(MigrationError);
      const rows = await test.database.query<{ exists: boolean }>(`select to_regclass('half_done') is not null as exists`);
      expect(rows[0]!.exists).toBe(false);
      const applied = await test.database.query(`select 1 from topup_schema_migrations where name = '9999_broken'`);
      expect(applied).toHaveLength(0);
    });
  });

  it('re-applies a changed function file, and rolls back a failing one', async () => {
    // Proves function files are code: a changed file is applied again (only that one), a failing one leaves the old functions and checksum.
    await withSqlCopy(kind, copyFunctionFiles, async (test, directory) => {
      const statisticsFile = path.join(directory, 'statistics.sql');
      fs.appendFileSync(statisticsFile, '\n-- a changed comment is a changed file\n');
      expect((await migrate(test.database, { functionsDirectory: directory })).applied).toEqual(['functions/statistics']);
      expect((await migrate(test.database, { functionsDirectory: directory })).applied).toEqual([]);
      const checksum = async () =>
        (await test.database.query<{ checksum: string }>(`select checksum from topup_function_files where name = 'statistics'`))[0]!.checksum;
      expect(await checksum()).toBe(readFunctionFiles(directory).find((file) => file.name === 'statistics')!.checksum);

      const before = await checksum();
      fs.appendFileSync(statisticsFile, '\ncreate or replace function refresh_statistics() returns jsonb language sql as $$ select 1 $$;\n');
      await expect(migrate(test.database, { functionsDirectory: directory })).rejects.toThrow(/functions\/statistics failed/);
      expect(await checksum()).toBe(before);
      expect(await test.storage.call('refresh_statistics', {})).toHaveProperty('analyzedAt');
    });
  });

  it('leaves a newer release\'s function files alone when an older release boots (rolling deploy), and stays ready', async () => {
    // Proves an older instance restarting during a rolling deploy cannot replace the newer release's functions: the newer release (one more schema migration, a changed function file) migrates; the older one then finds the database ahead, applies nothing, reports nothing pending, and is ready with the newer migration named; the newer one again finds nothing to do.
    const newerSchema = copySchemaMigrations();
    const newerFunctions = copyFunctionFiles();
    const test = await createTestStorage(kind);
    try {
      fs.writeFileSync(path.join(newerSchema, '9000_newer_release.sql'), 'create table newer_release_marker (id integer primary key);\n');
      fs.appendFileSync(path.join(newerFunctions, 'statistics.sql'), '\n-- the newer release changed this file\n');
      const newer = { schemaDirectory: newerSchema, functionsDirectory: newerFunctions };
      expect((await migrate(test.database, newer)).applied).toEqual(['9000_newer_release', 'functions/statistics']);
      const newerChecksum = readFunctionFiles(newerFunctions).find((file) => file.name === 'statistics')!.checksum;

      const lines: string[] = [];
      expect((await migrate(test.database, { log: (line) => lines.push(line) })).applied).toEqual([]);
      expect(lines).toEqual(['the database is ahead of this release (9000_newer_release): function files left as they are']);
      const [row] = await test.database.query<{ checksum: string }>(`select checksum from topup_function_files where name = 'statistics'`);
      expect(row!.checksum).toBe(newerChecksum);
      expect(await migrationStatus(test.database)).toMatchObject({ pending: [], ahead: ['9000_newer_release'] });
      expect(await test.storage.checkReady()).toEqual({ ready: true, detail: expect.stringContaining('the database is ahead of this release (9000_newer_release)') });

      expect((await migrate(test.database, newer)).applied).toEqual([]);
      expect(await migrationStatus(test.database, newer)).toMatchObject({ pending: [], ahead: [] });
    } finally {
      fs.rmSync(newerSchema, { recursive: true, force: true });
      fs.rmSync(newerFunctions, { recursive: true, force: true });
      await test.close();
    }
  });
});

describe.runIf(storageKindsUnderTest().includes('postgres'))('concurrent boots on postgres', () => {
  it('two processes migrating one empty database at once end with one schema', async () => {
    // Proves the transaction-level advisory lock: two `npm run migrate` processes race; both succeed, each migration is applied once.
    const { connectionString, drop } = await createTestDatabase();
    try {
      const run = () =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'server/commands/migrate.ts'], {
            env: { ...process.env, DATABASE_URL: connectionString, SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' },
            stdio: 'ignore',
          });
          child.on('exit', (code) => resolve(code ?? 1));
        });
      const codes = await Promise.all([run(), run()]);
      expect(codes).toEqual([0, 0]);
      const database = await openPostgres({ connectionString, poolSizeMax: 1, statementTimeoutMilliseconds: 5000 });
      try {
        const rows = await database.query<{ name: string }>('select name from topup_schema_migrations order by name');
        expect(rows.map((row) => row.name)).toEqual(readSchemaMigrations().map((file) => file.name));
        const functions = await database.query<{ name: string }>('select name from topup_function_files order by name');
        expect(functions.map((row) => row.name)).toEqual([...functionFileOrder].sort());
        expect((await migrationStatus(database)).pending).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      await drop();
    }
  });
});

describe('the embedded database directory', () => {
  it('refuses a data directory that another live process holds, and takes over a stale lock', async () => {
    // Proves the lock file: a lock naming a live process (our parent) is refused; one naming a dead pid, or a live pid that is another process than the one that wrote it, is taken over.
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-pglite-'));
    const dataDirectory = path.join(directory, 'pglite');
    try {
      fs.writeFileSync(`${dataDirectory}.lock`, String(process.ppid));
      await expect(openPglite({ directory: dataDirectory })).rejects.toThrow(/open in another process/);
      fs.writeFileSync(`${dataDirectory}.lock`, JSON.stringify(processIdentity(process.ppid)));
      await expect(openPglite({ directory: dataDirectory })).rejects.toThrow(/open in another process/);
      // A lock left by a crash, whose pid now belongs to an unrelated live process (after a restart,
      // the same low pid in a container): the start time differs, so the lock is stale.
      fs.writeFileSync(`${dataDirectory}.lock`, JSON.stringify({ ...processIdentity(process.ppid), startTime: '1' }));
      const takenOver = await openPglite({ directory: dataDirectory });
      await takenOver.close();
      fs.writeFileSync(`${dataDirectory}.lock`, '2147483646');
      const database = await openPglite({ directory: dataDirectory });
      await migrate(database);
      await database.close();
      expect(fs.existsSync(`${dataDirectory}.lock`)).toBe(false);
      const reopened = await openPglite({ directory: dataDirectory });
      const rows = await reopened.query<{ count: number }>('select count(*)::int as count from topup_schema_migrations');
      expect(rows[0]!.count).toBe(readSchemaMigrations().length);
      await reopened.close();
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('the function files', () => {
  it('hold no SQL function over 70 lines, and every function file has its tests beside it', () => {
    // Proves the size rule by reading each file: from `create or replace function` to the `$$;` that closes its body.
    const lengths: { name: string; lines: number }[] = [];
    for (const file of readFunctionFiles()) {
      const lines = file.sql.split('\n');
      for (let start = 0; start < lines.length; start += 1) {
        const match = /^create or replace function (\w+)/.exec(lines[start]!);
        if (!match) continue;
        let end = start;
        while (end < lines.length && !lines[end]!.startsWith('$$;')) end += 1;
        lengths.push({ name: `${file.name}.sql ${match[1]}`, lines: end - start + 1 });
      }
      expect(fs.existsSync(path.join(functionsDirectory, `${file.name}.test.sql`)), `${file.name}.test.sql`).toBe(true);
    }
    expect(lengths.length).toBeGreaterThan(40);
    expect(lengths.filter((entry) => entry.lines > 70)).toEqual([]);
  });
});
