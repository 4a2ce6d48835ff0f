-- Proves the fast paths changed nothing observable: the rewritten functions return what the old
-- ones did, iso_time is now inlinable (stable), and verify_ledger still finds a purchase granted
-- twice (a missing entry is reported the same way).
do $$
declare
  v jsonb;
begin
  assert (select provolatile from pg_proc where proname = 'iso_time') = 's', 'iso_time is stable, so it inlines';
  assert iso_time('2026-01-02 03:04:05.678+00') = '2026-01-02T03:04:05.678Z', 'iso_time format unchanged';
  assert find_user('user_fast_paths_nobody') is null, 'find_user of an unknown user is null';
  perform ensure_user('user_fast_paths', 'fast@example.com');
  v := find_user('user_fast_paths');
  assert v->>'id' = 'user_fast_paths' and v->>'email' = 'fast@example.com' and (v->>'credits')::bigint = 0, 'find_user returns the user';
  perform record_checkout_session('cs_fast_paths', 'user_fast_paths', 100, 100, 'usd');
  assert find_purchase('cs_fast_paths')->>'status' = 'open', 'find_purchase returns the purchase';
  assert find_purchase('cs_fast_paths_nobody') is null, 'find_purchase of an unknown session is null';
  assert jsonb_array_length(find_purchases(array['cs_fast_paths', 'cs_nobody'])) = 1, 'find_purchases returns the known ones';
  assert not stripe_event_processed('evt_fast_paths'), 'an unknown event is not processed';
  perform complete_stripe_event('evt_fast_paths', 'checkout.session.completed', 1700000000, false, 'done');
  assert stripe_event_processed('evt_fast_paths'), 'a completed event is processed';
  perform count_stripe_event_delivery('evt_fast_paths');
  assert (select deliveries from stripe_events where id = 'evt_fast_paths') = 2, 'a redelivery is counted';
  v := settle_checkout_session('cs_fast_paths', 'paid', 100, 'usd', 'pi_fast_paths');
  assert (v->>'creditsGranted')::bigint = 100, 'the purchase is granted';
  assert (verify_ledger()->>'problemCount')::int = 0, 'a consistent ledger has no problems';
  -- A second PURCHASE entry for the same session (bypassing settle) must be reported.
  perform apply_credit_movement('user_fast_paths', 100, 'purchase', 'double', 'stripe', 'fast-paths-double', 'checkout_session', 'cs_fast_paths', 'cs_fast_paths', false);
  v := verify_ledger();
  assert (v->>'problemCount')::int = 1 and v->'problems'->0->>'sessionId' = 'cs_fast_paths', format('a double grant is reported: %s', v);
  raise exception using errcode = 'TU000', message = 'fast paths test: rolled back on purpose';
exception when sqlstate 'TU000' then
  null;
end
$$;
