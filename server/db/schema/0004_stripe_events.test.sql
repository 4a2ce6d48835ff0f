-- Proves a Stripe event row's defaults with plain SQL: one delivery, not processed, test mode.
do $$
begin
  insert into stripe_events (id, type, created_at_stripe) values ('evt_schema_test', 'customer.created', now());
  assert (select deliveries = 1 and processed_at is null and not livemode from stripe_events where id = 'evt_schema_test'),
    'a new event is one unprocessed test-mode delivery';
  perform pg_temp.assert_refused($sql$insert into stripe_events (id, type, created_at_stripe) values ('', 'customer.created', now())$sql$, '23514', 'an empty event id must be refused');
end
$$;
