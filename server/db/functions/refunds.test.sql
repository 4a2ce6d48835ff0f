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
  v_first := reserve_refund('cs_refund_test', 30, 'user_admin');
  assert (v_first->>'amountMinor')::bigint = 150 and not (v_first->>'replay')::boolean, v_first::text;
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
