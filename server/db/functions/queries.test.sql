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
  perform apply_credit_movement('user_fast_paths', 100, 'purchase', 'double', 'stripe', 'fast-paths-double', 'checkout_session', 'cs_fast_paths', 'cs_fast_paths', false);
  v := verify_ledger();
  assert (v->>'problemCount')::int = 1 and v->'problems'->0->>'sessionId' = 'cs_fast_paths', format('a double grant is reported: %s', v);
end
$$;
