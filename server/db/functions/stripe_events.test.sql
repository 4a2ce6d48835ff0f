-- Proves that a failed processing leaves an event unprocessed for the retry, and that a delivery
-- twice is one row counting two deliveries.
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

-- Proves one call records, applies and marks an event and answers with its kind and the outcome it
-- recorded, a redelivery is a duplicate with no effect, and an event whose apply fails leaves
-- neither the event nor the effect behind.
do $$
declare
  v jsonb;
  v_event jsonb := '{"id": "evt_test_a", "type": "checkout.session.completed", "created": 1764000000, "livemode": false}';
  v_settlement jsonb := '{"sessionId": "cs_test_event", "outcome": "paid", "amountPaidMinor": 71, "currency": "usd",
    "paymentIntentId": "pi_test_event", "legacy": null, "flagReason": null, "metadataUserId": "user_event_test", "metadataCredits": 71}';
begin
  perform ensure_user('user_event_test', null);
  perform record_checkout_session('cs_test_event', 'user_event_test', 71, 71, 'usd');
  assert not is_duplicate_delivery(v_event), 'an unknown event is not a duplicate';
  v := apply_checkout_event(v_event, v_settlement);
  assert v->>'kind' = 'settled' and (v->'purchase'->>'creditsGranted')::bigint = 71, 'the first delivery grants: ' || v::text;
  assert (select processed_at is not null and outcome = v->>'description' from stripe_events where id = 'evt_test_a'),
    'the event is marked processed with the outcome it answered';
  v := apply_checkout_event(v_event, v_settlement);
  assert v = '{"kind": "duplicate"}'::jsonb, 'a redelivery is a duplicate';
  assert (select deliveries from stripe_events where id = 'evt_test_a') = 2, 'deliveries are counted';
  assert (select count(*) from credit_ledger where purchase_session_id = 'cs_test_event') = 1, 'one grant';

  perform record_checkout_session('cs_test_event_tampered', 'user_event_test', 71, 71, 'usd');
  v := apply_checkout_event('{"id": "evt_test_b", "type": "checkout.session.completed", "created": 1764000000}',
    v_settlement || '{"sessionId": "cs_test_event_tampered", "paymentIntentId": "pi_test_event_b", "metadataCredits": 7100}');
  assert v->>'kind' = 'flagged' and v->>'description' like 'flagged: session metadata%', 'metadata mismatch is flagged';

  begin
    perform apply_checkout_event('{"id": "evt_test_c", "type": "checkout.session.completed", "created": 1764000000}',
      v_settlement || '{"sessionId": "cs_test_unknown", "paymentIntentId": "pi_test_c"}');
    assert false, 'an unknown session without legacy metadata must be refused';
  exception when sqlstate 'TU404' then null;
  end;
  assert not exists (select 1 from stripe_events where id = 'evt_test_c'), 'a failed apply records nothing';

  v := apply_payment_event('{"id": "evt_test_d", "type": "charge.refunded", "created": 1764000000}', 'pi_test_event', 71);
  assert v->>'kind' = 'payment_recorded' and (v->'purchase'->>'creditsClawedBack')::bigint = 71, 'a refund event claws back';
  assert v->>'description' = 'refund total 71: 71 credits clawed back', 'the refund says what it did: ' || v::text;
  v := apply_payment_event('{"id": "evt_test_f", "type": "charge.dispute.created", "created": 1764000000}', 'pi_test_nobody',
    null, 'dp_test', 'needs_response');
  assert v->>'description' = 'dispute needs_response: recorded for a payment not (yet) known' and v->'purchase' = 'null'::jsonb,
    'a dispute of an unknown payment is stored for later: ' || v::text;
  v := apply_ignored_event('{"id": "evt_test_e", "type": "customer.created", "created": 1764000000}', 'ignored: not handled');
  assert v = '{"kind": "ignored", "description": "ignored: not handled"}'::jsonb, 'ignored events answer ignored';
  assert (select outcome from stripe_events where id = 'evt_test_e') = 'ignored: not handled', 'ignored events are recorded';
end
$$;

-- Proves the log's columns: each apply records its outcome word, the purchase and user it concerned
-- and the payload; a refused event is 'refused' and processed; a failed delivery that later succeeds
-- ends processed with the success's outcome and no error.
do $$
declare
  v jsonb;
  v_settlement jsonb := '{"sessionId": "cs_test_log", "outcome": "paid", "amountPaidMinor": 500, "currency": "usd",
    "paymentIntentId": "pi_test_log", "legacy": null, "flagReason": null, "metadataUserId": "user_log_test", "metadataCredits": 500}';
begin
  perform ensure_user('user_log_test', null);
  perform record_checkout_session('cs_test_log', 'user_log_test', 500, 500, 'usd');
  perform record_stripe_event('evt_log_paid', 'checkout.session.completed', 1764000000, false, '{"id": "evt_log_paid"}');
  perform finish_stripe_event('evt_log_paid', 'failed', 'database hiccup');
  assert (select outcome_kind = 'failed' and processed_at is null from stripe_events where id = 'evt_log_paid'), 'a failure is failed, unprocessed';
  v := apply_checkout_event('{"id": "evt_log_paid", "type": "checkout.session.completed", "created": 1764000000,
    "payload": {"id": "evt_log_paid", "object": "event"}}', v_settlement);
  assert (select outcome_kind = 'processed' and outcome = v->>'description' and last_error is null and processed_at is not null
            and purchase_session_id = 'cs_test_log' and user_id = 'user_log_test' and deliveries = 2
            and payload = '{"id": "evt_log_paid"}'::jsonb
          from stripe_events where id = 'evt_log_paid'), 'the retry that succeeds overwrites the failure, keeps the first payload';
  v := apply_payment_event('{"id": "evt_log_refund", "type": "charge.refunded", "created": 1764000000, "payload": {"n": 1}}', 'pi_test_log', 100);
  assert (select outcome_kind = 'processed' and user_id = 'user_log_test' and payload = '{"n": 1}'::jsonb
          from stripe_events where id = 'evt_log_refund'), 'a payment event is linked to its purchase';
  v := apply_ignored_event('{"id": "evt_log_ignored", "type": "customer.created", "created": 1764000000}', 'ignored: not handled');
  assert (select outcome_kind = 'ignored' and user_id is null and payload is null from stripe_events where id = 'evt_log_ignored'), 'ignored';
  perform record_stripe_event('evt_log_refused', 'checkout.session.completed', 1764000000);
  perform finish_stripe_event('evt_log_refused', 'refused: NOT_FOUND: unknown session', null, 'refused');
  assert (select outcome_kind = 'refused' and processed_at is not null from stripe_events where id = 'evt_log_refused'), 'refused';
  perform record_checkout_session('cs_test_log_flag', 'user_log_test', 500, 500, 'usd');
  v := apply_checkout_event('{"id": "evt_log_flag", "type": "checkout.session.completed", "created": 1764000000}',
    v_settlement || '{"sessionId": "cs_test_log_flag", "paymentIntentId": "pi_test_log_flag", "amountPaidMinor": 1}');
  assert (select outcome_kind = 'flagged' and purchase_session_id = 'cs_test_log_flag' from stripe_events where id = 'evt_log_flag'), 'flagged';
end
$$;
