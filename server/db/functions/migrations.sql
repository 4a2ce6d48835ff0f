-- Readiness through any adapter (supabase-js included, which has no direct connection): what the
-- migration runner (server/db/migrate.ts) has applied. Its bookkeeping tables are created by the
-- runner itself, before any file.

-- The names of the applied schema migrations.
create or replace function applied_migrations() returns jsonb
language sql stable as $$
  select coalesce(jsonb_agg(name order by name), '[]'::jsonb) from topup_schema_migrations
$$;

-- {topic: checksum} of the function files as last applied.
create or replace function applied_function_files() returns jsonb
language sql stable as $$
  select coalesce(jsonb_object_agg(name, checksum), '{}'::jsonb) from topup_function_files
$$;

-- Readiness also means the database takes writes: one row is written (and committed) per check.
-- Raises whatever PostgreSQL raises when it cannot write; returns when it wrote.
create or replace function probe_write() returns jsonb
language sql as $$
  insert into readiness_probe (id, written_at) values (1, clock_timestamp())
  on conflict (id) do update set written_at = excluded.written_at
  returning jsonb_build_object('writtenAt', iso_time(written_at))
$$;
