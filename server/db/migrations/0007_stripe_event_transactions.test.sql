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
