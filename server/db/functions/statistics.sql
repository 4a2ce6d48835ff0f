-- Planner statistics. PostgreSQL's autovacuum keeps them fresh; the embedded database (PGlite) has
-- no autovacuum worker, and without statistics the planner may sort a user's whole history for a
-- deep ledger page instead of walking the (user_id, id) index. The server calls this at boot and
-- hourly on PGlite. ANALYZE samples a bounded number of rows, so its cost does not grow with the table.
create or replace function refresh_statistics() returns jsonb
language plpgsql as $$
begin
  analyze users;
  analyze credit_ledger;
  analyze credit_purchases;
  analyze stripe_payment_states;
  analyze stripe_events;
  return jsonb_build_object('analyzedAt', iso_time(now()));
end
$$;
