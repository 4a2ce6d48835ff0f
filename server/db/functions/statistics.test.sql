-- Proves refresh_statistics runs inside a transaction (a function may ANALYZE, not VACUUM) and
-- leaves statistics for the ledger.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_statistics_test', null);
  perform grant_credits('user_statistics_test', 1, 'adjustment', null, 'system', null);
  v := refresh_statistics();
  assert v ? 'analyzedAt', 'refresh_statistics reports when it ran';
  assert (select reltuples from pg_class where relname = 'credit_ledger') >= 0, 'the ledger has statistics';
end
$$;
