import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/db/migrate.ts';
import { openPostgres } from '../../server/db/openPostgres.ts';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { createSqlStorage } from '../../server/db/sqlStorage.ts';
import { findUser } from '../../server/ledger/findUser.ts';
import { listLedgerEntries } from '../../server/ledger/listLedgerEntries.ts';
import { createTestDatabase } from '../support/testStorage.ts';
import { userWithCredits } from '../support/userWithCredits.ts';
import {
  applySupabaseDefaultPrivileges,
  createSupabaseRoles,
  databaseAsRole,
  listPublicObjects,
  probeAs,
  reachedObjects,
} from '../support/supabaseRoles.ts';

/**
 * Proves that on a database set up like a Supabase project (its roles, and its default privileges
 * granting everything in `public` to anon and authenticated, applied before Topup migrates), no Topup
 * table, view, sequence or function is reachable by `anon` or `authenticated`, while `service_role`
 * runs the app's calls: every object is enumerated from the catalog and touched as each role.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('Supabase roles on PostgreSQL', () => {
  let database: SqlDatabase;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    database = await openPostgres({ connectionString: created.connectionString, poolSizeMax: 4, statementTimeoutMilliseconds: 30_000 });
    await createSupabaseRoles(database);
    await applySupabaseDefaultPrivileges(database);
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('enumerates the objects the checks cover: the ledger tables and functions are among them', async () => {
    const names = (await listPublicObjects(database)).map((object) => `${object.kind} ${object.name}`);
    expect(names).toEqual(expect.arrayContaining(['table public.users', 'table public.credit_ledger', 'sequence public.credit_ledger_id_seq']));
    for (const name of ['grant_credits', 'adjust_credits', 'apply_checkout_event', 'ensure_user']) {
      expect(names.some((entry) => entry.startsWith(`function ${name}(`) || entry.startsWith(`function public.${name}(`))).toBe(true);
    }
  });

  it.each(['anon', 'authenticated'] as const)('as %s, every table, view, sequence and function answers permission denied', async (role) => {
    const objects = await listPublicObjects(database);
    const reaches = await probeAs(database, role, objects);
    expect(reaches).toHaveLength(objects.length);
    expect(reachedObjects(reaches)).toEqual([]);
  });

  it('turns row-level security on for every table, with no policy', async () => {
    const rows = await database.query<{ relname: string }>(`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`);
    expect(rows).toEqual([]);
    expect(await database.query(`select * from pg_policies where schemaname = 'public'`)).toEqual([]);
  });

  it('as service_role, the app calls work: ensure_user, grant_credits, find_user, list_ledger_entries', async () => {
    const storage = createSqlStorage(databaseAsRole(database, 'service_role'));
    const entry = await userWithCredits(storage, 'user_service_role', 25, {
      email: 'service@example.com',
      reason: 'service role test',
      actor: 'test',
      idempotencyKey: 'service-role-grant',
    });
    expect(entry.balanceAfter).toBe(25);
    expect((await findUser(storage, 'user_service_role'))?.credits).toBe(25);
    const page = await listLedgerEntries(storage, { userId: 'user_service_role', first: 10 });
    expect(page.nodes.map((node) => node.delta)).toEqual([25]);
    const [row] = await database.query<{ credits: string }>(`select credits::text from users where id = 'user_service_role'`);
    expect(row?.credits).toBe('25');
  });

  it('catches a regression: a function granted to anon is reported, and the next migrate revokes it again', async () => {
    // A function that calls no other: called with nulls, its own check answers (TU400), so a grant is
    // all it takes to reach it. (adjust_credits would stop at the checks it calls, still denied.)
    await database.exec(`grant execute on function assert_page_size to anon`);
    const objects = (await listPublicObjects(database)).filter((object) => object.name.includes('assert_page_size('));
    expect(objects.length).toBeGreaterThan(0);
    expect(reachedObjects(await probeAs(database, 'anon', objects))).toHaveLength(objects.length);
    expect(reachedObjects(await probeAs(database, 'authenticated', objects))).toEqual([]);

    await migrate(database);
    expect(reachedObjects(await probeAs(database, 'anon', objects))).toEqual([]);
  });

  it('covers an object created after the migration: default privileges no longer grant it, and the next migrate secures it', async () => {
    await database.exec(`create table later_table (id int); create function later_function() returns int language sql as 'select 1'`);
    const later = (await listPublicObjects(database)).filter((object) => object.name.includes('later_'));
    expect(later).toHaveLength(2);
    // Between creation and the next migrate, only the default privileges stand in the way.
    expect(reachedObjects(await probeAs(database, 'anon', later))).toEqual([]);
    expect(reachedObjects(await probeAs(database, 'authenticated', later))).toEqual([]);
    await migrate(database);
    const [row] = await database.query<{ secured: boolean }>(`select relrowsecurity as secured from pg_class where relname = 'later_table'`);
    expect(row?.secured).toBe(true);
    await database.exec(`drop table later_table; drop function later_function()`);
  });

  it('is a no-op on a second run: no catalog row changes', async () => {
    const snapshot = () =>
      database.query(`
        select c.relname, c.relacl::text, c.relrowsecurity, c.xmin::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' order by 1`);
    const before = await snapshot();
    await migrate(database);
    expect(await snapshot()).toEqual(before);
  });
});
