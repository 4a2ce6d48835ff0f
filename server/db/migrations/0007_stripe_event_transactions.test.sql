-- Proves one call records, applies and marks an event, a redelivery is a duplicate with no effect,
-- and an event whose apply fails leaves neither the event nor the effect behind.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_event_test', null);
  perform record_checkout_session('cs_test_event', 'user_event_test', 71, 71, 'usd');
  v := apply_checkout_event('evt_test_a', 'checkout.session.completed', 1764000000, false,
    'cs_test_event', 'paid', 71, 'usd', 'pi_test_event', null, null, 'user_event_test', 71);
  assert (v->>'duplicate')::boolean = false and (v->'purchase'->>'creditsGranted')::bigint = 71, 'the first delivery grants';
  assert (select processed_at is not null from stripe_events where id = 'evt_test_a'), 'the event is marked processed';
  v := apply_checkout_event('evt_test_a', 'checkout.session.completed', 1764000000, false,
    'cs_test_event', 'paid', 71, 'usd', 'pi_test_event', null, null, 'user_event_test', 71);
  assert (v->>'duplicate')::boolean, 'a redelivery is a duplicate';
  assert (select deliveries from stripe_events where id = 'evt_test_a') = 2, 'deliveries are counted';
  assert (select count(*) from credit_ledger where purchase_session_id = 'cs_test_event') = 1, 'one grant';

  -- Metadata that disagrees with the recorded purchase flags instead of granting.
  perform record_checkout_session('cs_test_event_tampered', 'user_event_test', 71, 71, 'usd');
  v := apply_checkout_event('evt_test_b', 'checkout.session.completed', 1764000000, false,
    'cs_test_event_tampered', 'paid', 71, 'usd', 'pi_test_event_b', null, null, 'user_event_test', 7100);
  assert v->'purchase'->>'flagReason' like 'session metadata%', 'metadata mismatch is flagged';

  begin
    perform apply_checkout_event('evt_test_c', 'checkout.session.completed', 1764000000, false,
      'cs_test_unknown', 'paid', 71, 'usd', 'pi_test_c', null, null, 'user_event_test', 71);
    assert false, 'an unknown session without legacy metadata must be refused';
  exception when sqlstate 'TU404' then null;
  end;
  assert not exists (select 1 from stripe_events where id = 'evt_test_c'), 'a failed apply records nothing';

  v := apply_payment_event('evt_test_d', 'charge.refunded', 1764000000, false, 'pi_test_event', 71);
  assert (v->'purchase'->>'creditsClawedBack')::bigint = 71, 'a refund event claws back';
  v := apply_ignored_event('evt_test_e', 'customer.created', 1764000000, false, 'ignored: not handled');
  assert (select outcome from stripe_events where id = 'evt_test_e') = 'ignored: not handled', 'ignored events are recorded';
end
$$;

-- Proves the hot-path readers and event helpers answer as specified, iso_time is stable (so it
-- inlines), and verify_ledger's one-pass purchase check still reports a purchase granted twice.
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
