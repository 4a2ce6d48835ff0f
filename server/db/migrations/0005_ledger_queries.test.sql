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
