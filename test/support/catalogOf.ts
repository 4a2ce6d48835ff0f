import pg from 'pg';

/** Tables, columns, constraints, indexes and functions with their definitions, comparable across databases. */
export async function catalogOf(connectionString: string): Promise<unknown> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query(`
      select 'column' as kind, table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(column_default, '') as definition
        from information_schema.columns where table_schema = 'public'
      union all
      select 'constraint', conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
        from pg_constraint where connamespace = 'public'::regnamespace
      union all
      select 'index', indexdef from pg_indexes where schemaname = 'public'
      union all
      select 'function', p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid)) || ' ' || coalesce(p.proacl::text, '')
        from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prokind in ('f', 'p')
      union all
      select 'relation', relname || ' ' || relkind::text || ' ' || relrowsecurity || ' ' || coalesce(relacl::text, '')
        from pg_class where relnamespace = 'public'::regnamespace
      union all
      select 'trigger', tgrelid::regclass || ' ' || tgname from pg_trigger where not tgisinternal
      order by 1, 2`);
    return rows;
  } finally {
    await client.end();
  }
}
