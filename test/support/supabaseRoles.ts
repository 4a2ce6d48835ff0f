import type { SqlDatabase, SqlExecutor } from '../../server/db/sqlDatabase.ts';

/**
 * Supabase's roles and grants, recreated on a plain PostgreSQL (or PGlite) database so tests can
 * prove what `anon`, `authenticated` and `service_role` reach. Roles are cluster-wide and other suites
 * run at the same time: they are created if missing (a concurrent creation is not an error) and never
 * dropped.
 */
export const supabaseRoleNames = ['anon', 'authenticated', 'service_role'] as const;
export type SupabaseRole = (typeof supabaseRoleNames)[number];

/** `anon`, `authenticated` (nologin), `service_role` (nologin, bypassrls) and `authenticator`. */
export async function createSupabaseRoles(database: SqlExecutor): Promise<void> {
  const statements = [
    `create role anon nologin noinherit`,
    `create role authenticated nologin noinherit`,
    `create role service_role nologin noinherit bypassrls`,
    `create role authenticator login noinherit`,
  ];
  for (const statement of statements) {
    // One at a time, each tolerating the role already being there (another suite made it).
    await database.exec(`do $$ begin ${statement}; exception when duplicate_object or unique_violation then null; end $$`);
  }
  await database.exec(`grant anon, authenticated, service_role to authenticator`);
}

/**
 * What Supabase runs on every project before any user migration: everything in `public` is granted to
 * the three API roles by default, and functions are executable by PUBLIC (PostgreSQL's own default).
 * Run it BEFORE migrating, as the migrating role, so Topup's objects inherit those grants.
 */
export async function applySupabaseDefaultPrivileges(database: SqlExecutor): Promise<void> {
  await database.exec(`
    grant usage on schema public to anon, authenticated, service_role;
    alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
    alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
    alter default privileges in schema public grant all on sequences to anon, authenticated, service_role`);
}

export interface CatalogObject {
  kind: 'table' | 'view' | 'sequence' | 'function';
  /** Qualified and quoted: `public.users`, or a function's `regprocedure` text. */
  name: string;
  /** For functions: the argument types (each is passed as a null of its type). */
  argumentTypes: string[];
}

/** Every table, view, sequence and function of `public` that no extension owns, from the catalog. */
export async function listPublicObjects(database: SqlExecutor): Promise<CatalogObject[]> {
  return database.query<CatalogObject>(`
    select case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'view' else 'table' end as kind,
           format('%I.%I', n.nspname, c.relname) as name, '{}'::text[] as "argumentTypes"
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
       and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    union all
    select 'function', p.oid::regprocedure::text, p.proargtypes::regtype[]::text[]
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.prokind in ('f', 'p')
       and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
     order by 1, 2`);
}

export interface Reach {
  object: CatalogObject;
  /** `denied` when PostgreSQL refused with insufficient_privilege (42501); else what happened. */
  outcome: 'denied' | 'reached';
  detail: string;
}

/**
 * As `role` (`set local role` in a transaction that is rolled back), touches every object: a select
 * from each table, view and sequence, a call of each function with null arguments. Anything but a
 * permission error (42501) as the first error counts as reached: a row, a null, or an error from the
 * function's own body all mean the role got in.
 */
export async function probeAs(database: SqlDatabase, role: SupabaseRole, objects: CatalogObject[]): Promise<Reach[]> {
  const results: Reach[] = [];
  for (const object of objects) {
    const statement =
      object.kind === 'function'
        ? `select ${functionNameOf(object.name)}(${object.argumentTypes.map((type) => `null::${type}`).join(', ')})`
        : `select * from ${object.name} limit 1`;
    results.push({ object, ...(await attemptAs(database, role, statement)) });
  }
  return results;
}

/** The objects `role` reached: empty means every one answered permission denied. */
export function reachedObjects(reaches: Reach[]): string[] {
  return reaches.filter((reach) => reach.outcome === 'reached').map((reach) => `${reach.object.kind} ${reach.object.name}: ${reach.detail}`);
}

async function attemptAs(database: SqlDatabase, role: SupabaseRole, statement: string): Promise<Omit<Reach, 'object'>> {
  try {
    await database.transaction(async (transaction) => {
      await transaction.exec(`set local role ${role}`);
      await transaction.query(statement);
      throw new ReachedSignal();
    });
    throw new Error('unreachable: the transaction always throws');
  } catch (error) {
    if (error instanceof ReachedSignal) return { outcome: 'reached', detail: 'succeeded' };
    const code = (error as { code?: string }).code;
    if (code === '42501') return { outcome: 'denied', detail: (error as Error).message };
    return { outcome: 'reached', detail: `${code ?? '?'} ${(error as Error).message}` };
  }
}

class ReachedSignal extends Error {}

/**
 * `database` as seen by `role`: every query and script runs in a transaction that starts with
 * `set local role`, like PostgREST does for a request. For a `Storage` over it: `createSqlStorage`.
 */
export function databaseAsRole(database: SqlDatabase, role: SupabaseRole): SqlDatabase {
  const asRole = <Result>(work: (executor: SqlExecutor) => Promise<Result>) =>
    database.transaction(async (transaction) => {
      await transaction.exec(`set local role ${role}`);
      return work(transaction);
    });
  return {
    kind: database.kind,
    query: (sql, params) => asRole((executor) => executor.query(sql, params)),
    exec: (sql) => asRole((executor) => executor.exec(sql)),
    withSession: (work) => asRole(work),
    transaction: (work) => asRole(work),
    close: async () => undefined,
  };
}

/** `public.grant_credits(text,bigint,...)` -> `public.grant_credits`. */
function functionNameOf(signature: string): string {
  return signature.slice(0, signature.indexOf('('));
}
