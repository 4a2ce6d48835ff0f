-- Proves the auto top-up rules in SQL alone: a spend below the threshold writes one attempt in its
-- own transaction and further spends none while it is in flight; the monthly limit counts in-flight
-- attempts; failures retry then disable with events; a succeeded payment is granted once as a
-- purchase with its lot; a removed card turns it off and is never saved again by a late event.
do $$
declare
  v jsonb;
  v_attempt auto_top_up_attempts;
  v_claimed jsonb;
begin
  perform ensure_user('user_atu_test', null);
  perform set_stripe_customer('user_atu_test', 'cus_atu_test');
  perform pg_temp.assert_refused($sql$ select set_auto_top_up('user_atu_test', true, 100, 500, 500, 1200, 'usd') $sql$,
    'TU428', 'turning auto top-up on without a saved card must be refused');
  assert save_card('user_atu_test', 'cus_other', 'pm_x', 'visa', '4242', now()) is null, 'another customer''s card is not saved';
  v := save_card('user_atu_test', 'cus_atu_test', 'pm_atu_1', 'visa', '4242', now());
  assert v->'paymentMethod'->>'last4' = '4242', 'the card is saved with its last 4';
  perform grant_credits('user_atu_test', 150, 'adjustment', 'opening', 'system', 'test:atu:grant');
  v := set_auto_top_up('user_atu_test', true, 100, 500, 500, 1200, 'usd');
  assert v->>'status' = 'active' and (v->>'enabled')::boolean, 'auto top-up is active';
  assert not exists (select 1 from auto_top_up_attempts where user_id = 'user_atu_test'), 'above the threshold nothing is due';

  perform spend_credits('user_atu_test', 60, 'use', 'service:test', 'test:atu:spend:1');
  perform spend_credits('user_atu_test', 10, 'use', 'service:test', 'test:atu:spend:2');
  assert (select count(*) from auto_top_up_attempts where user_id = 'user_atu_test') = 1, 'one attempt however many spends cross';
  select * into v_attempt from auto_top_up_attempts where user_id = 'user_atu_test';
  assert v_attempt.status = 'pending' and v_attempt.amount_minor = 500, 'the attempt is pending, priced as saved';

  -- A decline: retried with the next try's key; the third failure in a row disables.
  v_claimed := claim_auto_top_up_attempts(now(), 10, 60, 'token-1');
  assert v_claimed->0->>'idempotencyKey' = format('topup-auto-top-up-%s-try-1', v_attempt.id), 'the key is derived from the attempt and try';
  assert claim_auto_top_up_attempts(now(), 10, 60, 'token-2') = '[]'::jsonb, 'a claimed attempt is not claimed twice';
  assert record_auto_top_up_failure(v_attempt.id::text, 'token-1', 'pi_a', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.', now()) = 'pending';
  assert record_auto_top_up_failure(v_attempt.id::text, 'token-1', 'pi_a', 'card_declined', 'insufficient_funds', 'again', now()) = 'pending',
    'the same failure reported twice is recorded once';
  v_claimed := claim_auto_top_up_attempts(now(), 10, 60, 'token-3');
  assert v_claimed->0->>'idempotencyKey' = format('topup-auto-top-up-%s-try-2', v_attempt.id), 'a retry is a new try';
  perform record_auto_top_up_failure(v_attempt.id::text, 'token-3', 'pi_b', 'card_declined', 'generic_decline', 'Declined.', now());
  perform claim_auto_top_up_attempts(now(), 10, 60, 'token-4');
  assert record_auto_top_up_failure(v_attempt.id::text, 'token-4', 'pi_c', 'expired_card', 'expired_card', 'Your card has expired.', now()) = 'failed';
  v := auto_top_up_json('user_atu_test');
  assert v->>'status' = 'disabled' and v->>'lastError' = 'Your card has expired.', 'three failures in a row disable it with the error';
  assert (select count(*) from webhook_events where user_id = 'user_atu_test' and type = 'auto_top_up.failed') = 3, 'each failure is an event';
  assert (select payload->'data'->>'declineCode' from webhook_events where user_id = 'user_atu_test' and type = 'auto_top_up.failed'
          order by id limit 1) = 'insufficient_funds', 'the event carries the decline code';
  assert (select jsonb_agg(type order by id) from webhook_events where user_id = 'user_atu_test' and type like 'auto_top_up.%')
         = '["auto_top_up.failed", "auto_top_up.failed", "auto_top_up.failed", "auto_top_up.disabled"]',
    'the third failure, then one auto_top_up.disabled after it';
  assert (select payload->'data' from webhook_events where user_id = 'user_atu_test' and type = 'auto_top_up.disabled')
         @> '{"reason": "payment_failures", "credits": 500, "amountMinor": 500, "currency": "usd", "message": "Your card has expired."}',
    'the disabled event says why, with the settings and the message';

  -- On again: the next spend below the threshold pays; the success is granted once, as a purchase.
  perform set_auto_top_up('user_atu_test', true, 100, 500, 500, 1200, 'usd');
  select * into v_attempt from auto_top_up_attempts where user_id = 'user_atu_test' and status = 'pending';
  assert v_attempt.id is not null, 'turned on below the threshold, a top-up is due at once';
  perform claim_auto_top_up_attempts(now(), 10, 60, 'token-5');
  assert record_auto_top_up_payment(v_attempt.id::text, 'token-5', 'pi_ok') = 'processing';
  v := settle_auto_top_up(jsonb_build_object('attemptId', v_attempt.id::text, 'paymentIntentId', 'pi_ok', 'userId', 'user_atu_test',
    'amountReceivedMinor', 500, 'currency', 'usd'));
  assert v->>'kind' = 'settled' and (v->'purchase'->>'creditsGranted')::bigint = 500, 'the payment grants the credits';
  v := settle_auto_top_up(jsonb_build_object('attemptId', v_attempt.id::text, 'paymentIntentId', 'pi_ok', 'userId', 'user_atu_test',
    'amountReceivedMinor', 500, 'currency', 'usd'));
  assert (select credits from users where id = 'user_atu_test') = 580, 'granted once: 80 + 500';
  assert (select count(*) from credit_lots where purchase_session_id = 'pi_ok' and kind = 'purchase') = 1, 'a purchase lot';
  assert (select count(*) from webhook_events where user_id = 'user_atu_test' and type = 'auto_top_up.succeeded') = 1, 'one succeeded event';
  assert (auto_top_up_json('user_atu_test')->>'spentThisMonthMinor')::bigint = 500, 'this month''s total';

  -- The monthly limit (1200) counts this month's 500: a second 500 fits, a third does not.
  perform spend_credits('user_atu_test', 490, 'use', 'service:test', 'test:atu:spend:3');
  select * into v_attempt from auto_top_up_attempts where user_id = 'user_atu_test' and status = 'pending';
  assert v_attempt.id is not null, 'within the limit, a second top-up is due';
  update auto_top_up_attempts set status = 'succeeded', finished_at = now() where id = v_attempt.id;
  perform spend_credits('user_atu_test', 1, 'use', 'service:test', 'test:atu:spend:4');
  assert not exists (select 1 from auto_top_up_attempts where user_id = 'user_atu_test' and status = 'pending'), 'past the limit nothing is due';
  assert auto_top_up_json('user_atu_test')->>'lastError' like 'The monthly limit is reached%', 'the limit is said';
  assert (select payload->'data' from webhook_events where user_id = 'user_atu_test' and type = 'auto_top_up.limit_reached')
    @> '{"monthlyLimitMinor": 1200, "spentThisMonthMinor": 1000, "amountMinor": 500, "currency": "usd"}', 'the app is told once, with the figures';
  perform spend_credits('user_atu_test', 1, 'use', 'service:test', 'test:atu:spend:4b');
  assert (select count(*) from webhook_events where user_id = 'user_atu_test' and type = 'auto_top_up.limit_reached') = 1,
    'a further movement past the limit says nothing new';

  -- Authentication needed: requires_action, an event, nothing new until resolved.
  update auto_top_up_settings set monthly_limit_minor = 100000 where user_id = 'user_atu_test';
  perform spend_credits('user_atu_test', 1, 'use', 'service:test', 'test:atu:spend:5');
  select * into v_attempt from auto_top_up_attempts where user_id = 'user_atu_test' and status = 'pending';
  perform claim_auto_top_up_attempts(now(), 10, 60, 'token-6');
  assert record_auto_top_up_failure(v_attempt.id::text, 'token-6', 'pi_3ds', 'authentication_required', 'authentication_required',
    'This transaction requires authentication.', now()) = 'requires_action';
  assert auto_top_up_json('user_atu_test')->>'status' = 'requires_action';
  assert (select count(*) from webhook_events where user_id = 'user_atu_test' and type = 'auto_top_up.requires_action') = 1;

  -- Removing the card turns it off; the same payment method is not saved again by a late event.
  v := remove_saved_card('user_atu_test');
  assert v->>'paymentMethodId' = 'pm_atu_1' and v->'autoTopUp'->>'status' = 'off' and v->'autoTopUp'->'paymentMethod' = 'null'::jsonb;
  assert (select status from auto_top_up_attempts where id = v_attempt.id) = 'canceled', 'the waiting attempt is canceled';
  assert save_card('user_atu_test', 'cus_atu_test', 'pm_atu_1', 'visa', '4242', now() + interval '1 second') is null, 'a removed card stays removed';
  perform pg_temp.assert_balance_is_sum_of_deltas('user_atu_test');
end
$$;

-- Proves repricing: the keys list each (credits, currency) once; a changed price replaces the saved
-- one, an unpriceable one disables an active setting with lastError, and an off one stays off.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_atu_price_a', null);
  perform ensure_user('user_atu_price_b', null);
  perform set_stripe_customer('user_atu_price_a', 'cus_atu_price_a');
  perform set_stripe_customer('user_atu_price_b', 'cus_atu_price_b');
  perform save_card('user_atu_price_a', 'cus_atu_price_a', 'pm_atu_price_a', 'visa', '4242', now());
  perform save_card('user_atu_price_b', 'cus_atu_price_b', 'pm_atu_price_b', 'visa', '4242', now());
  perform grant_credits(u, 1000, 'adjustment', 'opening', 'system', 'test:atu:price:' || u) from unnest(array['user_atu_price_a', 'user_atu_price_b']) u;
  perform set_auto_top_up('user_atu_price_a', true, 100, 700, 700, 100000, 'usd');
  perform set_auto_top_up('user_atu_price_b', true, 100, 800, 900, 100000, 'eur');
  assert auto_top_up_price_keys() @> '[{"credits": 700, "currency": "usd"}, {"credits": 800, "currency": "eur"}]', 'each saved key is listed';
  v := reprice_auto_top_ups('{"prices": [{"credits": 700, "currency": "usd", "amountMinor": 840}, {"credits": 800, "currency": "eur", "amountMinor": null}]}');
  assert (v->>'repriced')::int >= 1 and (v->>'disabled')::int >= 1, 'one repriced, one disabled';
  assert (auto_top_up_json('user_atu_price_a')->>'amountMinor')::bigint = 840, 'the new price is saved';
  v := auto_top_up_json('user_atu_price_b');
  assert v->>'status' = 'disabled' and v->>'lastError' like '800 credits in EUR are no longer offered%', 'an unpriceable setting is disabled and says why';
  perform spend_credits('user_atu_price_a', 950, 'use', 'service:test', 'test:atu:price:spend:a');
  assert (select amount_minor from auto_top_up_attempts where user_id = 'user_atu_price_a' and status = 'pending') = 840, 'the next top-up charges the new price';
  perform spend_credits('user_atu_price_b', 950, 'use', 'service:test', 'test:atu:price:spend:b');
  assert not exists (select 1 from auto_top_up_attempts where user_id = 'user_atu_price_b'), 'a disabled setting pays nothing';
  assert (select count(*) from webhook_events where user_id = 'user_atu_price_a' and type = 'auto_top_up.disabled') = 0, 'a repriced setting is not disabled';
  assert (select payload->'data' from webhook_events where user_id = 'user_atu_price_b' and type = 'auto_top_up.disabled')
         @> '{"reason": "price_unavailable", "credits": 800, "currency": "eur"}', 'the unpriceable setting tells the app it was turned off';
  assert (reprice_auto_top_ups('{"prices": [{"credits": 700, "currency": "usd", "amountMinor": 840}]}')->>'repriced')::int = 0, 'the same prices again change nothing';
  assert (reprice_auto_top_ups('{"prices": [{"credits": 800, "currency": "eur", "amountMinor": null}]}')->>'disabled')::int = 0
     and (select count(*) from webhook_events where user_id = 'user_atu_price_b' and type = 'auto_top_up.disabled') = 1,
    'an already disabled setting is not disabled, nor announced, again';
end
$$;
