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
  assert jsonb_typeof(v->'analyzed') = 'array', 'refresh_statistics reports what it analyzed';
  assert (select reltuples from pg_class where relname = 'credit_ledger') >= 0, 'the ledger has statistics';
  assert not statistics_due('credit_ledger'), 'just analyzed, the ledger is not due again';
end
$$;

-- Proves statistics_due follows autovacuum's rule in pages: an empty table is never due (analyzed
-- empty, cached plans would scan it sequentially as it grows), a never-analyzed table with rows is,
-- an analyzed one is not until it grows by more than a tenth and a page.
do $$
begin
  create temporary table statistics_due_test (id integer, filler text);
  assert not statistics_due('statistics_due_test'), 'an empty table is not due';
  insert into statistics_due_test select n, repeat('x', 100) from generate_series(1, 100) n;
  assert statistics_due('statistics_due_test'), 'a table with rows, never analyzed, is due';
  analyze statistics_due_test;
  assert not statistics_due('statistics_due_test'), 'just analyzed, it is not due';
  insert into statistics_due_test select n, repeat('x', 100) from generate_series(1, 10) n;
  assert not statistics_due('statistics_due_test'), 'within a page of growth, it is not due';
  insert into statistics_due_test select n, repeat('x', 100) from generate_series(1, 1000) n;
  assert statistics_due('statistics_due_test'), 'grown tenfold, it is due';
  drop table statistics_due_test;
end
$$;
