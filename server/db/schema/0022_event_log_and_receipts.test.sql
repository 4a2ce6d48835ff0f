-- Proves the new columns refuse what they must: an unknown outcome word, an oversized payload, a
-- receipt URL that is not http(s).
do $$
begin
  perform pg_temp.assert_refused($sql$insert into stripe_events (id, type, created_at_stripe, outcome_kind) values ('evt_x', 't', now(), 'granted')$sql$,
    '23514', 'outcome_kind is one of the vocabulary''s words');
  perform pg_temp.assert_refused($sql$insert into stripe_events (id, type, created_at_stripe, payload) values ('evt_y', 't', now(), jsonb_build_object('x', repeat('a', 70000)))$sql$,
    '23514', 'a payload over 64 KiB is refused');
  perform ensure_user('user_receipt_check', null);
  perform record_checkout_session('cs_receipt_check', 'user_receipt_check', 500, 500, 'usd');
  perform pg_temp.assert_refused($sql$update credit_purchases set receipt_url = 'javascript:alert(1)' where session_id = 'cs_receipt_check'$sql$,
    '23514', 'a receipt URL is http or https');
  update credit_purchases set receipt_url = 'https://pay.stripe.com/receipts/payment/x' where session_id = 'cs_receipt_check';
end
$$;
