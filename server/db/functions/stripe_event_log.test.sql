-- Proves the log's list filters by each criterion, pages newest first without gaps or repeats, and
-- that find_stripe_event alone carries the payload.
do $$
declare
  v jsonb;
  v_page jsonb;
  v_seen text[] := '{}';
  v_cursor text;
begin
  delete from stripe_events;
  insert into stripe_events (id, type, created_at_stripe, received_at, processed_at, outcome, outcome_kind, deliveries, purchase_session_id, user_id, payload)
  select 'evt_list_' || n, case when n % 3 = 0 then 'charge.dispute.created' else 'checkout.session.completed' end,
         now(), timestamptz '2026-01-01' + n * interval '1 hour', now(), 'x',
         case when n % 2 = 0 then 'processed' else 'ignored' end, case when n = 4 then 3 else 1 end,
         case when n = 5 then 'cs_list_5' end, case when n <= 3 then 'user_list' end, jsonb_build_object('n', n)
  from generate_series(1, 10) n;

  v := list_stripe_events(p_limit => 100);
  assert jsonb_array_length(v) = 10 and v->0->'node'->>'id' = 'evt_list_10', 'all, newest first';
  assert not (v->0->'node' ? 'payload') and (v->0->'node'->>'hasPayload')::boolean, 'the list says a payload exists, never carries it';
  assert jsonb_array_length(list_stripe_events(p_outcomes => '{ignored}', p_limit => 100)) = 5, 'by outcome';
  assert list_stripe_events(p_duplicates_only => true, p_limit => 100)->0->'node'->>'id' = 'evt_list_4'
     and jsonb_array_length(list_stripe_events(p_duplicates_only => true, p_limit => 100)) = 1, 'duplicates only';
  assert jsonb_array_length(list_stripe_events(p_type => 'charge.dispute', p_limit => 100)) = 3, 'by type prefix';
  assert jsonb_array_length(list_stripe_events(p_type => 'charge.disp', p_limit => 100)) = 0, 'a prefix is whole dotted parts';
  assert jsonb_array_length(list_stripe_events(p_type => 'checkout.session.completed', p_limit => 100)) = 7, 'by exact type';
  assert list_stripe_events(p_purchase_session_id => 'cs_list_5', p_limit => 100)->0->'node'->>'id' = 'evt_list_5', 'by purchase';
  assert jsonb_array_length(list_stripe_events(p_user_id => 'user_list', p_limit => 100)) = 3, 'by user';
  assert jsonb_array_length(list_stripe_events(p_from => '2026-01-01 02:00+00', p_to => '2026-01-01 05:00+00', p_limit => 100)) = 3, 'by date, [from, to)';

  loop
    v_page := list_stripe_events(p_after => v_cursor, p_limit => 3);
    for i in 0 .. least(jsonb_array_length(v_page), 3) - 1 loop
      v_seen := v_seen || (v_page->i->'node'->>'id');
    end loop;
    exit when jsonb_array_length(v_page) <= 3;
    v_cursor := v_page->2->>'cursor';
  end loop;
  assert cardinality(v_seen) = 10 and (select count(distinct s) from unnest(v_seen) s) = 10, 'pages cover every event once: ' || v_seen::text;

  assert find_stripe_event('evt_list_7')->'payload' = '{"n": 7}'::jsonb, 'one event carries its payload';
  assert find_stripe_event('evt_nope') is null, 'an unknown event is null';
  perform pg_temp.assert_refused($sql$select list_stripe_events(p_after => 'nonsense')$sql$, 'TU400', 'a bad cursor is refused');
end
$$;
