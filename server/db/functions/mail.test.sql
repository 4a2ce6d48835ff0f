-- Proves the mail outbox in SQL: a paid purchase writes one receipt (with the purchase's credits,
-- amount, currency and session id) however often it is settled; a failed delayed payment, a
-- low-balance crossing and the auto top-up events write one mail each; a user without an email
-- gets a skipped row; other events mail nothing; claims skip locked rows and expire.
do $$
declare
  v_mail mail_outbox;
begin
  perform ensure_user('user_mail_test', 'buyer@example.com');
  perform record_checkout_session('cs_mail_one', 'user_mail_test', 500, 500, 'eur');
  perform settle_checkout_session('{"sessionId": "cs_mail_one", "outcome": "paid", "amountPaidMinor": 500, "currency": "eur", "paymentIntentId": "pi_mail_one"}');
  perform settle_checkout_session('{"sessionId": "cs_mail_one", "outcome": "paid", "amountPaidMinor": 500, "currency": "eur", "paymentIntentId": "pi_mail_one"}');
  assert (select count(*) from mail_outbox where user_id = 'user_mail_test') = 1, 'one receipt for a purchase settled twice';
  select * into v_mail from mail_outbox where user_id = 'user_mail_test';
  assert v_mail.template = 'purchase_receipt' and v_mail.status = 'pending' and v_mail.recipient = 'buyer@example.com', 'a pending receipt to the user';
  assert v_mail.data->>'sessionId' = 'cs_mail_one' and (v_mail.data->>'credits')::bigint = 500
    and (v_mail.data->>'amountMinor')::bigint = 500 and v_mail.data->>'currency' = 'eur', 'the receipt carries the purchase: ' || v_mail.data::text;

  -- Each movement commits (the balance alerts are judged at commit: pg_temp.as_if_committed).
  perform pg_temp.as_if_committed();
  perform spend_credits('user_mail_test', 450, 'use', 'system', 'mail:spend:1');
  perform pg_temp.as_if_committed();
  perform spend_credits('user_mail_test', 10, 'use', 'system', 'mail:spend:2');
  perform pg_temp.as_if_committed();
  assert (select count(*) from mail_outbox where user_id = 'user_mail_test' and template = 'balance_low') = 1, '500 -> 50 -> 40: one low-balance mail per crossing';
  assert (select (data->>'balance')::bigint from mail_outbox where user_id = 'user_mail_test' and template = 'balance_low') = 50, 'the balance at the crossing';

  perform record_checkout_session('cs_mail_two', 'user_mail_test', 300, 300, 'usd');
  update credit_purchases set status = 'pending' where session_id = 'cs_mail_two';
  update credit_purchases set status = 'failed' where session_id = 'cs_mail_two';
  assert (select count(*) from mail_outbox where user_id = 'user_mail_test' and template = 'purchase_failed' and data->>'sessionId' = 'cs_mail_two') = 1,
    'a failed delayed payment mails once (pending mails nothing)';

  perform enqueue_webhook_event('auto_top_up.failed', 'user_mail_test', '{"credits": 1000, "amountMinor": 1000, "currency": "usd", "declineCode": "card_declined"}');
  perform enqueue_webhook_event('auto_top_up.requires_action', 'user_mail_test', '{"credits": 1000, "amountMinor": 1000, "currency": "usd"}');
  perform enqueue_webhook_event('credits.spent', 'user_mail_test', '{}');
  assert (select array_agg(template order by id) from mail_outbox where user_id = 'user_mail_test')
    = array['purchase_receipt', 'balance_low', 'purchase_failed', 'auto_top_up_failed', 'auto_top_up_requires_action'], 'one mail per mailing event, none for others';

  perform ensure_user('user_mail_no_email', null);
  perform enqueue_webhook_event('balance.low', 'user_mail_no_email', '{"balance": 5, "thresholdCredits": 100}');
  assert (select status from mail_outbox where user_id = 'user_mail_no_email') = 'skipped', 'no email: recorded as skipped';
end
$$;

-- Claims: a claimed mail is not claimed again until its claim expires; an attempt is recorded only
-- with its claim's token; the retries' end marks it failed.
do $$
declare
  v_claimed jsonb;
  v_id bigint;
begin
  perform ensure_user('user_mail_claim', 'claim@example.com');
  update mail_outbox set status = 'sent' where status = 'pending';
  perform enqueue_webhook_event('balance.low', 'user_mail_claim', '{"balance": 5, "thresholdCredits": 100}');
  -- A caller whose clock reads the same millisecond as the mail's stamp (ms, truncated) finds it due.
  assert jsonb_array_length(claim_mail(date_trunc('milliseconds', (select next_attempt_at from mail_outbox
    where user_id = 'user_mail_claim')), 10, 0, 'token-same-ms')) = 1, 'due within the caller''s millisecond';
  update mail_outbox set claimed_until = null, claim_token = null where user_id = 'user_mail_claim';
  v_claimed := claim_mail(clock_timestamp(), 10, 60, 'token-a');
  assert jsonb_array_length(v_claimed) = 1 and v_claimed->0->>'recipient' = 'claim@example.com', 'the due mail is claimed';
  v_id := (v_claimed->0->>'id')::bigint;
  assert jsonb_array_length(claim_mail(clock_timestamp(), 10, 60, 'token-b')) = 0, 'a claimed mail is not claimed twice';
  assert record_mail_attempt(v_id, 'token-b', clock_timestamp(), true, null, null) is null, 'another claim records nothing';
  assert jsonb_array_length(claim_mail(clock_timestamp() + interval '61 seconds', 10, 60, 'token-c')) = 1, 'an expired claim is claimable again';
  assert record_mail_attempt(v_id, 'token-c', clock_timestamp(), false, 'refused', clock_timestamp() + interval '5 seconds')->>'status' = 'pending', 'a failure is retried';
  assert jsonb_array_length(claim_mail(clock_timestamp() + interval '6 seconds', 10, 60, 'token-d')) = 1, 'due again after the delay';
  assert record_mail_attempt(v_id, 'token-d', clock_timestamp(), false, 'refused', null)->>'status' = 'failed', 'no next attempt: failed';
  assert (select attempts from mail_outbox where id = v_id) = 2, 'both attempts counted';
end
$$;
