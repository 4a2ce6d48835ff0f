import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, createTestStorage, storageKindsUnderTest } from '../support/testStorage.ts';
import { migrate, migrationStatus, readMigrations, runMigrationTests, MigrationError } from '../../server/db/migrate.ts';
import { openPglite } from '../../server/db/openPglite.ts';
import { openPostgres } from '../../server/db/openPostgres.ts';

describe.each(storageKindsUnderTest())('migrations on %s', (kind) => {
  it('applies every migration and passes every sibling .test.sql of ASSERT blocks', async () => {
    // Proves the schema's own SQL tests hold on this engine: each file runs in a rolled-back transaction.
    const test = await createTestStorage(kind);
    try {
      const status = await migrationStatus(test.database);
      expect(status.pending).toEqual([]);
      expect(status.applied).toEqual(readMigrations().map((migration) => migration.name));
      const files = await runMigrationTests(test.database);
      expect(files.length).toBe(readMigrations().length);
      expect(await test.storage.checkReady()).toMatchObject({ ready: true });
    } finally {
      await test.close();
    }
  });

  it('is a no-op the second time, and refuses a migration edited after it was applied', async () => {
    // Proves forward-only: re-running applies nothing; a changed checksum stops the boot with a clear error.
    const test = await createTestStorage(kind);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-migrations-'));
    try {
      expect((await migrate(test.database)).applied).toEqual([]);
      for (const migration of readMigrations()) fs.writeFileSync(path.join(directory, `${migration.name}.sql`), migration.sql);
      fs.appendFileSync(path.join(directory, '0001_users.sql'), '\n-- edited\n');
      await expect(migrate(test.database, { directory })).rejects.toThrow(/0001_users was edited after it was applied/);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
      await test.close();
    }
  });

  it('stops on a failing migration and leaves nothing of it behind', async () => {
    // Proves a broken migration throws MigrationError and its transaction is rolled back.
    const test = await createTestStorage(kind);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-migrations-'));
    try {
      for (const migration of readMigrations()) fs.writeFileSync(path.join(directory, `${migration.name}.sql`), migration.sql);
      fs.writeFileSync(path.join(directory, '9999_broken.sql'), 'create table half_done (id int);\nselect no_such_function();\n');
      await expect(migrate(test.database, { directory })).rejects.toBeInstanceOf(MigrationError);
      const rows = await test.database.query<{ exists: boolean }>(`select to_regclass('half_done') is not null as exists`);
      expect(rows[0]!.exists).toBe(false);
      const applied = await test.database.query(`select 1 from schema_migrations where name = '9999_broken'`);
      expect(applied).toHaveLength(0);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
      await test.close();
    }
  });
});

describe.runIf(storageKindsUnderTest().includes('postgres'))('concurrent boots on postgres', () => {
  it('two processes migrating one empty database at once end with one schema', async () => {
    // Proves the advisory lock: two `npm run migrate` processes race; both succeed, each migration is applied once.
    const { connectionString, drop } = await createTestDatabase();
    try {
      const run = () =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'server/db/migrateCommand.ts'], {
            env: { ...process.env, DATABASE_URL: connectionString, SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' },
            stdio: 'ignore',
          });
          child.on('exit', (code) => resolve(code ?? 1));
        });
      const codes = await Promise.all([run(), run()]);
      expect(codes).toEqual([0, 0]);
      const database = await openPostgres({ connectionString, poolSizeMax: 1, statementTimeoutMilliseconds: 5000 });
      try {
        const rows = await database.query<{ name: string }>('select name from schema_migrations order by name');
        expect(rows.map((row) => row.name)).toEqual(readMigrations().map((migration) => migration.name));
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
    // Proves the lock file: a lock naming a live pid (our parent) is refused; one naming a dead pid is taken over.
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-pglite-'));
    const dataDirectory = path.join(directory, 'pglite');
    try {
      fs.writeFileSync(`${dataDirectory}.lock`, String(process.ppid));
      await expect(openPglite({ directory: dataDirectory })).rejects.toThrow(/open in another process/);
      fs.writeFileSync(`${dataDirectory}.lock`, '2147483646');
      const database = await openPglite({ directory: dataDirectory });
      await migrate(database);
      await database.close();
      expect(fs.existsSync(`${dataDirectory}.lock`)).toBe(false);
      const reopened = await openPglite({ directory: dataDirectory });
      const rows = await reopened.query<{ count: number }>('select count(*)::int as count from schema_migrations');
      expect(rows[0]!.count).toBe(readMigrations().length);
      await reopened.close();
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
