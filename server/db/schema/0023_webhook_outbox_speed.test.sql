-- The claim's index is per endpoint and the redundant ones are gone; the depletion state exists.
do $$
begin
  assert exists (select 1 from pg_indexes where indexname = 'webhook_deliveries_endpoint_due_index'), 'due deliveries are indexed per endpoint';
  assert not exists (select 1 from pg_indexes where indexname in ('webhook_deliveries_due_index', 'webhook_deliveries_list_index')),
    'the global due index and the copy of the primary key are dropped';
  assert exists (select 1 from information_schema.columns where table_name = 'balance_alert_states' and column_name = 'depleted_armed'),
    'balance_alert_states has depleted_armed';
end
$$;
