-- Planner statistics. PostgreSQL's autovacuum keeps them fresh; the embedded database (PGlite) has
-- no autovacuum worker, and without statistics the planner may sort a user's whole history for a
-- deep ledger page instead of walking the (user_id, id) index. The server calls refresh_statistics
-- at boot and every minute on PGlite (server/db/keepStatisticsFresh.ts). ANALYZE samples a bounded
-- number of rows, so its cost does not grow with the table, and a table is analyzed only when it has
-- grown since, so most calls analyze nothing.

-- Whether p_table's statistics are due, autovacuum's rule in pages: it has rows, and it was never
-- analyzed, or it has grown by more than a tenth (and at least a page) since it was. An empty table
-- is never due: analyzed empty, it would be recorded as holding no rows, and the plans a connection
-- caches for its statements (PL/pgSQL keeps a generic plan) would then scan it sequentially, and
-- keep doing so as it grows, until the next ANALYZE; never analyzed, the planner assumes it has at
-- least 10 pages and takes its index.
create or replace function statistics_due(p_table regclass) returns boolean
language sql stable as $$
  select pages > 0 and (c.reltuples < 0 or pages > c.relpages + greatest(1, c.relpages / 10))
  from pg_class c, lateral (select pg_relation_size(p_table) / current_setting('block_size')::bigint as pages) size
  where c.oid = p_table
$$;

-- Analyzes the tables whose statistics the webhook's, the ledger's and the pages' plans depend on,
-- each when due; returns when it ran and which tables it analyzed.
create or replace function refresh_statistics() returns jsonb
language plpgsql as $$
declare
  v_table regclass;
  v_analyzed text[] := '{}';
begin
  foreach v_table in array array['users', 'credit_ledger', 'credit_lots', 'credit_purchases', 'stripe_payment_states', 'stripe_events']::regclass[] loop
    if statistics_due(v_table) then
      execute format('analyze %s', v_table);
      v_analyzed := v_analyzed || v_table::text;
    end if;
  end loop;
  return jsonb_build_object('analyzedAt', iso_time(now()), 'analyzed', to_jsonb(v_analyzed));
end
$$;
