-- The indexes retention scans and deletes through exist, and stripe_events can say when its JSON was removed.
do $$
begin
  assert exists (select 1 from pg_indexes where indexname = 'webhook_deliveries_event_index'
    and indexdef not like '% WHERE %'), 'every delivery is indexed by its event (the foreign key''s check on an event''s delete)';
  assert exists (select 1 from pg_indexes where indexname = 'webhook_deliveries_replay_index'), 'replays are indexed by their original';
  assert exists (select 1 from pg_indexes where indexname = 'stripe_events_payload_index'
    and indexdef like '%WHERE (payload IS NOT NULL)%'), 'only events with a stored payload are in the payload index';
  assert exists (select 1 from information_schema.columns where table_name = 'stripe_events' and column_name = 'payload_removed_at'
    and data_type = 'timestamp with time zone' and is_nullable = 'YES'), 'stripe_events has payload_removed_at';
end
$$;
