-- Proves that an event delivered twice is one row counting two deliveries, and that a failed
-- processing leaves it unprocessed for the retry.
do $$
declare
  v jsonb;
begin
  v := record_stripe_event('evt_test_1', 'checkout.session.completed', 1764000000);
  assert (v->>'processed')::boolean = false, 'a new event is not processed';
  v := finish_stripe_event('evt_test_1', 'failed', 'database hiccup');
  assert (v->>'processed')::boolean = false, 'a failed processing stays unprocessed';
  v := record_stripe_event('evt_test_1', 'checkout.session.completed', 1764000000);
  assert (v->>'deliveries')::int = 2, 'a redelivery counts';
  v := finish_stripe_event('evt_test_1', 'granted 71 credits');
  v := record_stripe_event('evt_test_1', 'checkout.session.completed', 1764000000);
  assert (v->>'processed')::boolean = true, 'a processed event says so on redelivery';
  assert (select count(*) from stripe_events where id = 'evt_test_1') = 1, 'one row per event';
end
$$;
