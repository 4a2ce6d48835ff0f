-- Proves the lot rules in SQL alone: the consumption order, expiry at the instant (reads, spends and
-- the sweep agree), a clawback from its own purchase's lot, debt repaid first, and verify_ledger.
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_lots_test', null);
  perform grant_credits('user_lots_test', 10, 'adjustment', 'never', 'system', 'lots:1');
  perform grant_promotional_credits('user_lots_test', 20, 'late', ledger_now() + interval '2 hours', 'admin_a', 'lots:2');
  perform grant_promotional_credits('user_lots_test', 30, 'soon', ledger_now() + interval '1 hour', 'admin_a', 'lots:3');
  v := list_lots('user_lots_test');
  assert jsonb_array_length(v) = 3 and (v->0->>'credits')::bigint = 30 and (v->1->>'credits')::bigint = 20
    and (v->2->>'credits')::bigint = 10, 'consumption order: soonest expiry first, never-expiring last';

  v := spend_credits('user_lots_test', 35, 'use', 'service:t', 'lots:spend:1');
  assert (select array_agg(d.credits order by l.id) from credit_lot_draws d join credit_lots l on l.id = d.lot_id
          where d.entry_id = (v->>'id')::bigint) = array[5, 30]::bigint[], 'a spend draws from the soonest-expiring lots first';

  -- Two hours later: the 15 left of the late lot have expired; reads never count them.
  insert into ledger_clock_skew (skew) values (interval '3 hours');
  v := find_user('user_lots_test');
  assert (v->>'credits')::bigint = 10, 'a read never counts expired credits, swept or not';
  perform pg_temp.assert_refused($sql$ select spend_credits('user_lots_test', 11, 'use', 'service:t', 'lots:spend:2') $sql$,
    'TU402', 'an expired credit must not be spent');
  perform sweep_expired_credits(100);
  assert (select count(*) from credit_ledger where user_id = 'user_lots_test' and kind = 'expiry' and delta = -15) = 1,
    'the expired remainder becomes one EXPIRY entry';
  assert (select credits from users where id = 'user_lots_test') = 10, 'the EXPIRY entry moved the balance';
  assert (verify_ledger()->>'problemCount')::int = 0, 'verify_ledger agrees: ' || (verify_ledger()->'problems')::text;
end
$$;

-- Proves PURCHASED_CREDITS_EXPIRE_DAYS (configure_ledger): a purchase lot expires that many days
-- after its grant, is drawn before a never-expiring lot, becomes one EXPIRY entry, and a refund after
-- that claws back from the balance (debt); entry_lot_changes explains each entry lot by lot; unset
-- again, new purchases never expire; and verify_ledger reports a lot tampered with.
do $$
declare
  v jsonb;
  v_grant credit_ledger;
  v_spend jsonb;
  v_expiry credit_ledger;
begin
  perform pg_temp.assert_refused($sql$ select configure_ledger(0) $sql$, 'TU400', 'at least one day');
  v := configure_ledger(30);
  assert (v->>'purchasedCreditsExpireDays')::int = 30, v::text;
  delete from ledger_clock_skew;
  perform ensure_user('user_lots_expiring_purchase', null);
  perform grant_promotional_credits('user_lots_expiring_purchase', 50, 'welcome', null, 'admin_a', 'lots:purchase:1');
  perform record_checkout_session('cs_lots_expiring', 'user_lots_expiring_purchase', 100, 500, 'usd');
  perform settle_checkout_session('{"sessionId": "cs_lots_expiring", "outcome": "paid", "amountPaidMinor": 500, "currency": "usd", "paymentIntentId": "pi_lots_expiring"}');
  select * into v_grant from credit_ledger where purchase_session_id = 'cs_lots_expiring' and kind = 'purchase';
  assert (select expires_at from credit_lots where entry_id = v_grant.id) = v_grant.created_at + interval '720 hours',
    'the purchase lot expires 30 days after its grant';
  v := entry_lot_changes(v_grant.id);
  assert jsonb_array_length(v) = 1 and (v->0->>'credits')::bigint = 100 and v->0->>'lotKind' = 'purchase'
    and v->0->>'lotExpiresAt' is not null, 'a grant shows the lot it made: ' || v::text;

  v_spend := spend_credits('user_lots_expiring_purchase', 10, 'use', 'service:t', 'lots:purchase:spend');
  v := entry_lot_changes((v_spend->>'id')::bigint);
  assert jsonb_array_length(v) = 1 and (v->0->>'credits')::bigint = -10 and v->0->>'lotKind' = 'purchase',
    'an expiring purchase lot is drawn before a never-expiring promotion: ' || v::text;

  insert into ledger_clock_skew (skew) values (interval '31 days');
  assert (find_user('user_lots_expiring_purchase')->>'credits')::bigint = 50, 'the expired purchase credits stop counting';
  perform sweep_expired_credits(100);
  select * into v_expiry from credit_ledger where user_id = 'user_lots_expiring_purchase' and kind = 'expiry';
  assert v_expiry.delta = -90 and v_expiry.actor = 'system', 'one EXPIRY entry takes the 90 left';
  assert (entry_lot_changes(v_expiry.id)->0->>'credits')::bigint = -90, 'the EXPIRY entry names its lot';

  perform record_payment_state('pi_lots_expiring', 500, null, null);
  assert (select credits from users where id = 'user_lots_expiring_purchase') = -50,
    'a full refund after expiry takes the 100 from the balance: the promotion, then debt';
  v := lot_changes_of_entries(array[v_grant.id::text, (v_spend->>'id'), '999999999']);
  assert (v->(v_grant.id::text)->0->>'credits')::bigint = 100 and (v->(v_spend->>'id')->0->>'credits')::bigint = -10
    and v->'999999999' = '[]'::jsonb, 'lot changes of several entries: ' || v::text;

  -- A dispute that takes the credits and is then won gives them back with their purchase's expiry.
  perform record_checkout_session('cs_lots_disputed', 'user_lots_expiring_purchase', 100, 500, 'usd');
  perform settle_checkout_session('{"sessionId": "cs_lots_disputed", "outcome": "paid", "amountPaidMinor": 500, "currency": "usd", "paymentIntentId": "pi_lots_disputed"}');
  perform record_payment_state('pi_lots_disputed', 0, 'dp_lots_disputed', 'needs_response');
  perform record_payment_state('pi_lots_disputed', 0, 'dp_lots_disputed', 'won');
  assert (select count(*) from credit_lots where purchase_session_id = 'cs_lots_disputed') = 2
    and (select count(distinct expires_at) from credit_lots where purchase_session_id = 'cs_lots_disputed' and expires_at is not null) = 1
    and (select bool_and(expires_at is not null) from credit_lots where purchase_session_id = 'cs_lots_disputed'),
    'credits restored by a won dispute keep their purchase''s expiry';

  perform configure_ledger(null);
  perform record_checkout_session('cs_lots_never', 'user_lots_expiring_purchase', 100, 500, 'usd');
  perform settle_checkout_session('{"sessionId": "cs_lots_never", "outcome": "paid", "amountPaidMinor": 500, "currency": "usd", "paymentIntentId": "pi_lots_never"}');
  assert (select expires_at from credit_lots where purchase_session_id = 'cs_lots_never') is null, 'unset: purchases never expire';
  assert (verify_ledger()->>'problemCount')::int = 0, 'verify_ledger agrees: ' || (verify_ledger()->'problems')::text;

  -- Tampering: one credit taken out of a lot with no draw and no entry.
  update credit_lots set remaining = remaining - 1 where purchase_session_id = 'cs_lots_never';
  v := verify_ledger();
  assert exists (select 1 from jsonb_array_elements(v->'problems') p where p->>'problem' = 'lots do not add up to the balance'
      and p->>'userId' = 'user_lots_expiring_purchase')
    and exists (select 1 from jsonb_array_elements(v->'problems') p where p->>'problem' = 'lot remaining differs from its grant less its draws'),
    'a tampered lot is reported: ' || v::text;
end
$$;
