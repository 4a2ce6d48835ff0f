-- Proves the purchase lifecycle in SQL: a paid session grants once, a mismatch is flagged, refunds and
-- disputes move the ledger towards their targets whatever the order, and pending/failed/expired only
-- move forward. Settlements are the jsonb objects TypeScript sends.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_purchase_test', null);
  perform record_checkout_session('cs_test_one', 'user_purchase_test', 71, 71, 'usd');
  v := record_checkout_session('cs_test_one', 'user_purchase_test', 71, 71, 'usd');
  assert v->>'status' = 'open', 'recording a session twice is idempotent';

  v := settle_checkout_session('{"sessionId": "cs_test_one", "outcome": "paid", "amountPaidMinor": 71, "currency": "usd", "paymentIntentId": "pi_test_one"}');
  assert v->>'kind' = 'settled' and v->>'description' = 'purchase paid, 71 credits granted', 'a settlement says what it did: ' || v::text;
  assert (v->'purchase'->>'creditsGranted')::bigint = 71 and v->'purchase'->>'status' = 'paid', 'a paid session grants its credits';
  v := settle_checkout_session('{"sessionId": "cs_test_one", "outcome": "paid", "amountPaidMinor": 71, "currency": "usd", "paymentIntentId": "pi_test_one"}');
  assert (select count(*) from credit_ledger where purchase_session_id = 'cs_test_one') = 1, 'a second settle grants nothing';
  v := settle_checkout_session('{"sessionId": "cs_test_one", "outcome": "expired"}');
  assert v->'purchase'->>'status' = 'paid', 'a late expiry does not undo a payment';

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
  v := settle_checkout_session('{"sessionId": "cs_test_two", "outcome": "paid", "amountPaidMinor": 100, "currency": "usd", "paymentIntentId": "pi_test_two"}');
  assert (v->'purchase'->>'creditsClawedBack')::bigint = 50 and v->'purchase'->>'status' = 'partially_refunded', 'an early refund applies on payment';
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
  v := settle_checkout_session('{"sessionId": "cs_test_three", "outcome": "paid", "amountPaidMinor": 499, "currency": "usd", "paymentIntentId": "pi_test_three"}');
  assert v->>'kind' = 'flagged' and v->>'description' = 'flagged: paid 499, expected 500', 'a flag says why: ' || v::text;
  assert (v->'purchase'->>'creditsGranted')::bigint = 0, 'a mismatched amount is flagged, not granted';

  -- Async: pending then failed; failed never becomes pending again.
  perform record_checkout_session('cs_test_four', 'user_purchase_test', 500, 500, 'usd');
  v := settle_checkout_session('{"sessionId": "cs_test_four", "outcome": "pending"}');
  assert v->'purchase'->>'status' = 'pending', 'an async payment is pending';
  v := settle_checkout_session('{"sessionId": "cs_test_four", "outcome": "failed"}');
  v := settle_checkout_session('{"sessionId": "cs_test_four", "outcome": "pending"}');
  assert v->'purchase'->>'status' = 'failed', 'failed stays failed';
  perform pg_temp.assert_refused($sql$ select settle_checkout_session(jsonb_build_object('sessionId', 'cs_' || repeat('x', 300), 'outcome', 'paid')) $sql$,
    'TU400', 'a session id longer than the table allows must be refused as input');
  perform pg_temp.assert_refused($sql$ select settle_checkout_session('{"sessionId": "cs_test_four", "outcome": "refunded"}') $sql$,
    'TU400', 'an unknown outcome must be refused');

  -- Legacy session: paid more than the price is fine, less is flagged.
  v := settle_checkout_session('{"sessionId": "cs_test_legacy", "outcome": "paid", "amountPaidMinor": 80, "currency": "usd",
    "paymentIntentId": "pi_test_legacy", "legacy": {"userId": "user_purchase_test", "credits": 71, "amountMinor": 71}}');
  assert (v->'purchase'->>'creditsGranted')::bigint = 71, 'a legacy session that paid enough is granted';
  v := settle_checkout_session('{"sessionId": "cs_test_legacy_cheap", "outcome": "paid", "amountPaidMinor": 70, "currency": "usd",
    "paymentIntentId": "pi_test_legacy_cheap", "legacy": {"userId": "user_purchase_test", "credits": 71, "amountMinor": 71}}');
  assert v->'purchase'->>'flagReason' is not null, 'a legacy session that paid too little is flagged';

  -- Metadata that disagrees with the recorded purchase flags instead of granting.
  perform record_checkout_session('cs_test_tampered', 'user_purchase_test', 71, 71, 'usd');
  v := settle_checkout_session('{"sessionId": "cs_test_tampered", "outcome": "paid", "amountPaidMinor": 71, "currency": "usd",
    "paymentIntentId": "pi_test_tampered", "legacy": null, "metadataUserId": "user_purchase_test", "metadataCredits": 7100}');
  assert v->'purchase'->>'flagReason' = 'session metadata (user user_purchase_test, credits 7100) differs from the recorded purchase',
    'metadata mismatch is flagged: ' || v::text;
  perform pg_temp.assert_refused($sql$ select settle_checkout_session('{"sessionId": "cs_test_unknown", "outcome": "paid", "amountPaidMinor": 71, "currency": "usd"}') $sql$,
    'TU404', 'an unknown session without a legacy record must be refused');

  perform pg_temp.assert_balance_is_sum_of_deltas('user_purchase_test');
end
$$;

-- Proves the readers: find_purchase(s) return the known sessions, list_purchases pages newest first
-- with the shared cursor and page rules.
do $$
declare
  v jsonb;
  i integer;
begin
  perform ensure_user('user_purchase_reads', null);
  for i in 1..3 loop
    perform record_checkout_session('cs_reads_' || i, 'user_purchase_reads', 100, 100, 'usd');
  end loop;
  assert find_purchase('cs_reads_1')->>'status' = 'open', 'find_purchase returns the purchase';
  assert find_purchase('cs_reads_nobody') is null, 'find_purchase of an unknown session is null';
  assert jsonb_array_length(find_purchases(array['cs_reads_1', 'cs_nobody'])) = 1, 'find_purchases returns the known ones';
  v := list_purchases(p_user_id => 'user_purchase_reads', p_limit => 2);
  assert jsonb_array_length(v) = 3, 'limit + 1 rows tell that a next page exists';
  v := list_purchases(p_user_id => 'user_purchase_reads', p_after => v->1->>'cursor', p_limit => 2);
  assert jsonb_array_length(v) = 1, 'the next page has the rest';
  perform pg_temp.assert_refused($sql$ select list_purchases(p_limit => 0) $sql$,
    'TU400', 'a page of 0 must be refused');
end
$$;

-- Proves a receipt URL is stored once (the first one stays), shows in purchase_json, is refused when
-- not http(s), and that list_purchases filters by status.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_receipt_test', null);
  perform record_checkout_session('cs_receipt_a', 'user_receipt_test', 500, 500, 'usd');
  perform record_checkout_session('cs_receipt_b', 'user_receipt_test', 500, 500, 'usd');
  v := record_receipt_url('cs_receipt_a', 'https://pay.example/receipts/1');
  assert v->>'receiptUrl' = 'https://pay.example/receipts/1', 'stored: ' || v::text;
  v := record_receipt_url('cs_receipt_a', 'https://pay.example/receipts/2');
  assert v->>'receiptUrl' = 'https://pay.example/receipts/1', 'the first URL stays';
  perform pg_temp.assert_refused($sql$select record_receipt_url('cs_receipt_a', 'javascript:alert(1)')$sql$, 'TU400', 'http(s) only');
  perform pg_temp.assert_refused($sql$select record_receipt_url('cs_nope', 'https://x')$sql$, 'TU404', 'unknown session');
  update credit_purchases set status = 'expired' where session_id = 'cs_receipt_b';
  v := list_purchases(p_user_id => 'user_receipt_test', p_statuses => '{open,paid}');
  assert jsonb_array_length(v) = 1 and v->0->'node'->>'sessionId' = 'cs_receipt_a', 'by status: ' || v::text;
  assert jsonb_array_length(list_purchases(p_user_id => 'user_receipt_test')) = 2, 'no status filter: all';
end
$$;

-- A paid settlement writes its purchase once: the payment intent's link goes with the update that
-- marks it paid (one row version; n_tup_upd of this transaction counts them), and a payment intent
-- already linked to another purchase is not taken by a second one paid with it.
do $$
declare
  v jsonb;
  v_updates bigint;
begin
  perform ensure_user('user_purchase_link', null);
  perform record_checkout_session('cs_test_link', 'user_purchase_link', 71, 71, 'usd');
  perform record_checkout_session('cs_test_link_other', 'user_purchase_link', 71, 71, 'usd');
  v_updates := (select n_tup_upd from pg_stat_xact_user_tables where relname = 'credit_purchases');
  v := settle_checkout_session('{"sessionId": "cs_test_link", "outcome": "paid", "amountPaidMinor": 71, "currency": "usd", "paymentIntentId": "pi_test_link"}');
  assert v->'purchase'->>'paymentIntentId' = 'pi_test_link' and v->'purchase'->>'status' = 'paid', 'the paid purchase is linked: ' || v::text;
  assert (select n_tup_upd from pg_stat_xact_user_tables where relname = 'credit_purchases') = v_updates + 1,
    'a grant updates its purchase once, link included';
  v := settle_checkout_session('{"sessionId": "cs_test_link_other", "outcome": "paid", "amountPaidMinor": 71, "currency": "usd", "paymentIntentId": "pi_test_link"}');
  assert v->'purchase'->>'status' = 'paid' and v->'purchase'->>'paymentIntentId' is null, 'a linked payment intent is not taken: ' || v::text;
  assert (select session_id from credit_purchases where payment_intent_id = 'pi_test_link') = 'cs_test_link', 'the first link stays';
  v := settle_checkout_session('{"sessionId": "cs_test_link_other", "outcome": "pending", "paymentIntentId": "pi_test_link_late"}');
  assert v->'purchase'->>'paymentIntentId' = 'pi_test_link_late', 'a settlement that pays nothing still links on its own';
end $$;
