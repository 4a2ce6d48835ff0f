-- Proves readiness reads the runner's own tables: every schema migration and function file applied
-- is listed (this test runs on a migrated database).
do $$
begin
  assert applied_migrations() ? '0001_users', 'the first schema migration is listed';
  assert applied_function_files() ? 'ledger', 'the ledger function file is listed';
  assert (select count(*) from topup_function_files) = (select count(*) from jsonb_object_keys(applied_function_files())),
    'every function file is listed';
end
$$;

-- The write probe writes its one row, and a read-only transaction makes it fail (so /readyz answers 503).
do $$
begin
  perform probe_write();
  assert (select count(*) from readiness_probe) = 1, 'one probe row';
end
$$;
