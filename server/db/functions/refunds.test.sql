-- Proves the refund reservations: two reservations of one purchase can never together exceed its
-- unspent credits, the same credits again while outstanding are the same request (one Stripe key), a
-- refused refund frees its credits, and a refund reported by Stripe stops counting.
do $$
declare
  v_first jsonb;
  v_again jsonb;
begin
  insert into users (id) values ('user_refund_test');
  perform record_checkout_session('cs_refund_test', 'user_refund_test', 100, 500, 'usd');
  perform settle_checkout_session(jsonb_build_object('sessionId', 'cs_refund_test', 'outcome', 'paid',
    'amountPaidMinor', 500, 'currency', 'usd', 'paymentIntentId', 'pi_refund_test'));
  perform spend_credits('user_refund_test', 60, 'usage', 'service:test', 'refund-test-spend');
  assert refundable_credits_of(array['cs_refund_test', 'cs_unknown']) = '{"cs_refund_test": 40}', 'unspent: 40 of 100, an unknown id absent';
  v_first := reserve_refund('cs_refund_test', 30, 'user_admin');
  assert (v_first->>'amountMinor')::bigint = 150 and not (v_first->>'replay')::boolean, v_first::text;
  assert refundable_credits_of(array['cs_refund_test']) = '{"cs_refund_test": 10}', 'the reservation counts in what is shown';
  v_again := reserve_refund('cs_refund_test', 30, 'user_other_admin');
  assert v_again->>'idempotencyKey' = v_first->>'idempotencyKey' and (v_again->>'replay')::boolean, 'a double-click replays';
  perform pg_temp.assert_refused($sql$select reserve_refund('cs_refund_test', 11, 'user_admin')$sql$, 'TU400', '30 of 40 unspent are reserved: 11 more must be refused');
  perform finish_refund_request((v_first->>'requestId')::bigint, null);
  v_again := reserve_refund('cs_refund_test', 40, 'user_admin');
  assert (v_again->>'amountMinor')::bigint = 200, 'a refused refund frees its credits';
  perform finish_refund_request((v_again->>'requestId')::bigint, 're_test');
  perform record_payment_state('pi_refund_test', 200);
  assert (select credits from users where id = 'user_refund_test') = 0, 'the refund event clawed back 40';
  perform pg_temp.assert_refused($sql$select reserve_refund('cs_refund_test', null, 'user_admin')$sql$, 'TU400', 'nothing is unspent any more');
end
$$;

-- Proves the refund quote an admin sees before confirming is the amount reserve_refund then
-- reserves: a share rounded down, the exact remainder for the last credits, null out of range.
do $$
declare
  v_quote jsonb;
  v_reserved jsonb;
begin
  insert into users (id) values ('user_refund_quote');
  perform record_checkout_session('cs_refund_quote', 'user_refund_quote', 3, 100, 'usd');
  perform settle_checkout_session(jsonb_build_object('sessionId', 'cs_refund_quote', 'outcome', 'paid',
    'amountPaidMinor', 100, 'currency', 'usd', 'paymentIntentId', 'pi_refund_quote'));
  v_quote := refund_quote('cs_refund_quote', 1);
  assert v_quote = jsonb_build_object('credits', 1, 'amountMinor', 33, 'currency', 'usd'), v_quote::text;
  assert (refund_quote('cs_refund_quote', null)->>'amountMinor')::bigint = 100, 'every credit refunds everything paid';
  assert refund_quote('cs_refund_quote', 4) is null, 'more than refundable has no quote';
  assert refund_quote('cs_refund_quote', 0) is null, 'zero credits has no quote';
  assert refund_quote('cs_no_such_session', 1) is null, 'an unknown session has no quote';
  v_reserved := reserve_refund('cs_refund_quote', 1, 'user_admin');
  assert (v_reserved->>'amountMinor')::bigint = 33, v_reserved::text;
  v_quote := refund_quote('cs_refund_quote', 2);
  assert (v_quote->>'amountMinor')::bigint = 67, 'the last credits take the exact remainder: ' || v_quote::text;
  assert (reserve_refund('cs_refund_quote', 2, 'user_admin')->>'amountMinor')::bigint = 67, 'reserved as quoted';
end
$$;
