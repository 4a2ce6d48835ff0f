-- Proves keyset pagination returns every entry once across pages, the filters, the stats buckets and
-- that verify_ledger finds nothing wrong in a consistent ledger.
do $$
declare
  v jsonb;
  v_page jsonb;
  v_after text;
  v_seen integer := 0;
  v_last_id bigint := 9223372036854775807;
  i integer;
begin
  perform ensure_user('user_query_test', 'query@example.com');
  for i in 1..25 loop
    perform grant_credits('user_query_test', i, 'adjustment', 'seed', 'system', 'query-test:' || i);
  end loop;
  loop
    v_page := list_ledger_entries(p_user_id => 'user_query_test', p_after => v_after, p_limit => 10);
    for i in 0 .. least(jsonb_array_length(v_page), 10) - 1 loop
      assert ((v_page->i->'node'->>'id')::bigint) < v_last_id, 'entries come newest first, never repeated';
      v_last_id := (v_page->i->'node'->>'id')::bigint;
      v_seen := v_seen + 1;
    end loop;
    exit when jsonb_array_length(v_page) <= 10;
    v_after := v_page->9->>'cursor';
  end loop;
  assert v_seen = 25, format('all 25 entries seen once across pages, saw %s', v_seen);

  v := list_ledger_entries(p_kinds => array['spend'], p_user_id => 'user_query_test');
  assert jsonb_array_length(v) = 0, 'kind filter';
  v := list_ledger_entries(p_actor => 'system', p_user_id => 'user_query_test', p_limit => 5);
  assert jsonb_array_length(v) = 6, 'limit + 1 rows tell that a next page exists';

  v := list_users(p_search => 'QUERY@', p_sort => 'credits_desc');
  assert v->0->'node'->>'id' = 'user_query_test', 'search by email is case-insensitive';
  v := list_users(p_search => '%', p_sort => 'credits_desc');
  assert jsonb_array_length(v) = 0, 'a % in the search is a literal character, not a wildcard';

  v := credit_stats(now() - interval '2 days', now() + interval '1 day', 'day');
  assert jsonb_array_length(v) between 3 and 4, 'one bucket per day, zeros included';
  assert (select sum((b->>'creditsAdjusted')::bigint) from jsonb_array_elements(v) b) >= 325, 'adjustments are counted';

  v := verify_ledger();
  assert (v->>'problemCount')::int = 0, 'a consistent ledger has no problems: ' || (v->'problems')::text;
end
$$;

-- Proves verify_ledger's one-pass purchase check reports a purchase granted twice (a second purchase
-- entry written past settle_checkout_session).
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_fast_paths', 'fast@example.com');
  perform record_checkout_session('cs_fast_paths', 'user_fast_paths', 100, 100, 'usd');
  v := settle_checkout_session('{"sessionId": "cs_fast_paths", "outcome": "paid", "amountPaidMinor": 100, "currency": "usd", "paymentIntentId": "pi_fast_paths"}');
  assert (v->'purchase'->>'creditsGranted')::bigint = 100, 'the purchase is granted';
  assert (verify_ledger()->>'problemCount')::int = 0, 'a consistent ledger has no problems';
  perform apply_credit_movement('user_fast_paths', 100, 'purchase', 'double', 'stripe', 'fast-paths-double', 'checkout_session', 'cs_fast_paths', 'cs_fast_paths', false, 'system');
  v := verify_ledger();
  assert (v->>'problemCount')::int = 1 and v->'problems'->0->>'sessionId' = 'cs_fast_paths', format('a double grant is reported: %s', v);
end
$$;

-- Proves credit_stats keeps money per currency: a USD, a EUR and a JPY purchase in one bucket are
-- three revenue entries (never one sum), and a converted session counts in its recorded currency.
do $$
declare
  v jsonb;
  v_revenue jsonb;
begin
  perform ensure_user('user_stats_currencies', null);
  perform record_checkout_session('cs_stats_usd', 'user_stats_currencies', 500, 500, 'usd');
  perform record_checkout_session('cs_stats_eur', 'user_stats_currencies', 1000, 950, 'eur');
  perform record_checkout_session('cs_stats_jpy', 'user_stats_currencies', 100, 150, 'jpy');
  perform settle_checkout_session('{"sessionId": "cs_stats_usd", "outcome": "paid", "amountPaidMinor": 500, "currency": "usd", "paymentIntentId": "pi_stats_usd"}');
  perform settle_checkout_session('{"sessionId": "cs_stats_eur", "outcome": "paid", "amountPaidMinor": 950, "currency": "eur", "paymentIntentId": "pi_stats_eur",
    "presentment": {"amountMinor": 1100, "currency": "usd", "fxRate": "1.157"}}');
  perform settle_checkout_session('{"sessionId": "cs_stats_jpy", "outcome": "paid", "amountPaidMinor": 150, "currency": "jpy", "paymentIntentId": "pi_stats_jpy"}');
  v := credit_stats(date_trunc('day', now()), date_trunc('day', now()) + interval '1 day', 'day');
  v_revenue := v->0->'revenue';
  assert jsonb_array_length(v_revenue) >= 3, format('one revenue entry per currency: %s', v_revenue);
  assert (select (e->>'amountMinor')::bigint from jsonb_array_elements(v_revenue) e where e->>'currency' = 'eur') >= 950,
    format('EUR revenue is the recorded EUR amount, not the USD one charged: %s', v_revenue);
  assert (select (e->>'amountMinor')::bigint from jsonb_array_elements(v_revenue) e where e->>'currency' = 'jpy') >= 150,
    format('JPY revenue in whole yen: %s', v_revenue);
  assert not (v->0 ? 'revenueMinor'), 'no sum across currencies';
end
$$;

-- Proves the ledger's user filter by part of an id: any part, any case, and LIKE's own characters
-- (% and _) taken literally, so "r_a" does not match "rXa".
do $$
declare
  v jsonb;
begin
  perform ensure_user('user_Part_A1', null);
  perform ensure_user('user_PartXA2', null);
  perform ensure_user('user_other_b', null);
  perform grant_credits('user_Part_A1', 5, 'adjustment', 'part test', 'system', 'part-a1');
  perform grant_credits('user_PartXA2', 6, 'adjustment', 'part test', 'system', 'part-a2');
  perform grant_credits('user_other_b', 7, 'adjustment', 'part test', 'system', 'part-b');
  v := list_ledger_entries(p_user_id_contains => 'part');
  assert (select array_agg(distinct x->'node'->>'userId') from jsonb_array_elements(v) x) @> array['user_PartXA2', 'user_Part_A1']
    and (select count(distinct x->'node'->>'userId') from jsonb_array_elements(v) x) = 2, v::text;
  v := list_ledger_entries(p_user_id_contains => 'T_a');
  assert (select array_agg(distinct x->'node'->>'userId') from jsonb_array_elements(v) x) = array['user_Part_A1'], 'the _ is literal: ' || v::text;
  v := list_ledger_entries(p_user_id_contains => '%');
  assert jsonb_array_length(v) = 0, 'the % is literal';
  v := list_ledger_entries(p_user_id_contains => '  ', p_user_id => 'user_other_b');
  assert jsonb_array_length(v) = 1, 'blank is no filter';
end
$$;
