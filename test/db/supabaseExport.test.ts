import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSupabaseMigrations } from '../../server/commands/exportSupabaseMigrations.ts';
import { functionsDirectory, migrate, migrationStatus } from '../../server/db/migrate.ts';
import { openPostgres } from '../../server/db/openPostgres.ts';
import { catalogOf } from '../support/catalogOf.ts';
import { createTestDatabase } from '../support/testStorage.ts';

/**
 * Proves the Supabase CLI export is the runner's SQL in the runner's order: its files, executed one by
 * one as plain scripts on a fresh PostgreSQL database (what `supabase db push` does), give the catalog
 * `migrate` gives and leave `migrate` nothing to do; and re-running the export after an upgrade (a
 * changed function file) adds only that file and the privileges step, never rewriting earlier files.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('Supabase CLI export', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'topup-supabase-export-'));
  const outputDirectory = path.join(directory, 'migrations');
  const databases: { connectionString: string; drop(): Promise<void> }[] = [];

  beforeAll(async () => {
    databases.push(await createTestDatabase(), await createTestDatabase());
  });
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('executed file by file, gives the catalog of migrate, and migrate then finds nothing pending', async () => {
    const { written } = exportSupabaseMigrations({ outputDirectory, now: new Date('2026-01-02T03:04:05Z') });
    expect(written[0]).toBe('20260102030405_topup_bookkeeping.sql');
    expect(written.at(-1)).toMatch(/_topup_privileges\.sql$/);
    expect([...written].sort()).toEqual(written);

    await executeFiles(databases[0]!.connectionString, written.map((file) => path.join(outputDirectory, file)));
    const direct = await openPostgres({ connectionString: databases[1]!.connectionString, poolSizeMax: 2, statementTimeoutMilliseconds: 30_000 });
    try {
      await migrate(direct);
    } finally {
      await direct.close();
    }
    expect(await catalogOf(databases[0]!.connectionString)).toEqual(await catalogOf(databases[1]!.connectionString));

    const exported = await openPostgres({ connectionString: databases[0]!.connectionString, poolSizeMax: 2, statementTimeoutMilliseconds: 30_000 });
    try {
      expect((await migrationStatus(exported)).pending).toEqual([]);
      expect((await migrate(exported)).applied).toEqual([]);
    } finally {
      await exported.close();
    }
  });

  it('re-run: nothing new writes nothing; a changed function file adds only it and the privileges step', () => {
    const before = fs.readdirSync(outputDirectory).sort();
    expect(exportSupabaseMigrations({ outputDirectory }).written).toEqual([]);

    const changedFunctions = path.join(directory, 'functions');
    fs.cpSync(functionsDirectory, changedFunctions, { recursive: true });
    fs.appendFileSync(path.join(changedFunctions, 'time.sql'), '\n-- a changed comment is a changed file\n');
    const { written } = exportSupabaseMigrations({ outputDirectory, functionsDirectory: changedFunctions });
    expect(written.map((file) => file.slice(15))).toEqual(['topup_functions_time.sql', 'topup_privileges.sql']);
    expect(written[0]! > before.at(-1)!).toBe(true);
    expect(fs.readdirSync(outputDirectory).sort()).toEqual([...before, ...written].sort());
  });
});

/** Each file as one simple-protocol script, in name order, on one connection: what psql -f does. */
async function executeFiles(connectionString: string, files: string[]): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    for (const file of files) {
      await client.query(`begin;\n${fs.readFileSync(file, 'utf8')}\n;commit;`);
    }
  } finally {
    await client.end();
  }
}
