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
