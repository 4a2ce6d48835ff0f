-- Proves the purchase lifecycle in SQL: a paid session grants once, a mismatch is flagged, refunds and
-- disputes move the ledger towards their targets whatever the order, and pending/failed/expired only
-- move forward.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_purchase_test', null);
  perform record_checkout_session('cs_test_one', 'user_purchase_test', 71, 71, 'usd');
  v := record_checkout_session('cs_test_one', 'user_purchase_test', 71, 71, 'usd');
  assert v->>'status' = 'open', 'recording a session twice is idempotent';

  v := settle_checkout_session('cs_test_one', 'paid', 71, 'usd', 'pi_test_one');
  assert (v->>'creditsGranted')::bigint = 71 and v->>'status' = 'paid', 'a paid session grants its credits';
  v := settle_checkout_session('cs_test_one', 'paid', 71, 'usd', 'pi_test_one');
  assert (select count(*) from credit_ledger where purchase_session_id = 'cs_test_one') = 1, 'a second settle grants nothing';
  v := settle_checkout_session('cs_test_one', 'expired');
  assert v->>'status' = 'paid', 'a late expiry does not undo a payment';

  -- Partial then full refund, the full one delivered first: the target wins, nothing doubles.
  v := record_payment_state('pi_test_one', 71);
  assert (select credits from users where id = 'user_purchase_test') = 0, 'a full refund takes everything back';
  v := record_payment_state('pi_test_one', 30);
  assert (select credits from users where id = 'user_purchase_test') = 0, 'an older, smaller refund total changes nothing';
  assert v->>'status' = 'refunded', 'the purchase shows refunded';

  -- Refund before payment: applied when the payment lands.
  perform record_checkout_session('cs_test_two', 'user_purchase_test', 100, 100, 'usd');
  v := record_payment_state('pi_test_two', 50);
  assert v is null, 'a refund for an unknown payment is stored for later';
  v := settle_checkout_session('cs_test_two', 'paid', 100, 'usd', 'pi_test_two');
  assert (v->>'creditsClawedBack')::bigint = 50 and v->>'status' = 'partially_refunded', 'an early refund applies on payment';
  assert (select credits from users where id = 'user_purchase_test') = 50, 'granted 100, clawed back 50';

  -- Dispute: everything clawed back, then won: the refund's share stays clawed back.
  v := record_payment_state('pi_test_two', null, 'dp_test', 'needs_response');
  assert (select credits from users where id = 'user_purchase_test') = 0 and v->>'status' = 'disputed', 'a dispute claws back the rest';
  v := record_payment_state('pi_test_two', null, 'dp_test', 'won');
  assert (select credits from users where id = 'user_purchase_test') = 50, 'a won dispute restores what refunds do not cover';
  v := record_payment_state('pi_test_two', null, 'dp_test', 'needs_response');
  assert (select credits from users where id = 'user_purchase_test') = 50, 'a late dispute.created does not reopen a closed dispute';

  -- Amount mismatch: flagged, nothing granted.
  perform record_checkout_session('cs_test_three', 'user_purchase_test', 500, 500, 'usd');
  v := settle_checkout_session('cs_test_three', 'paid', 499, 'usd', 'pi_test_three');
  assert v->>'flagReason' is not null and (v->>'creditsGranted')::bigint = 0, 'a mismatched amount is flagged, not granted';

  -- Async: pending then failed; failed never becomes pending again.
  perform record_checkout_session('cs_test_four', 'user_purchase_test', 500, 500, 'usd');
  v := settle_checkout_session('cs_test_four', 'pending');
  assert v->>'status' = 'pending', 'an async payment is pending';
  v := settle_checkout_session('cs_test_four', 'failed');
  v := settle_checkout_session('cs_test_four', 'pending');
  assert v->>'status' = 'failed', 'failed stays failed';

  -- Legacy session: paid more than the price is fine, less is flagged.
  v := settle_checkout_session('cs_test_legacy', 'paid', 80, 'usd', 'pi_test_legacy',
    jsonb_build_object('userId', 'user_purchase_test', 'credits', 71, 'amountMinor', 71));
  assert (v->>'creditsGranted')::bigint = 71, 'a legacy session that paid enough is granted';
  v := settle_checkout_session('cs_test_legacy_cheap', 'paid', 70, 'usd', 'pi_test_legacy_cheap',
    jsonb_build_object('userId', 'user_purchase_test', 'credits', 71, 'amountMinor', 71));
  assert v->>'flagReason' is not null, 'a legacy session that paid too little is flagged';

  assert (select sum(delta) from credit_ledger where user_id = 'user_purchase_test')
    = (select credits from users where id = 'user_purchase_test'), 'balance equals the sum of deltas';
end
$$;
