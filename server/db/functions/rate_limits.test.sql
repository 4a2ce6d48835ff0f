-- Within the limit every hit is allowed; past it, refused with a wait that ends with the window.
do $$
declare
  v_result jsonb;
begin
  for i in 1..3 loop
    v_result := take_rate_limit('test:key', 3, 3600);
    assert (v_result->>'allowed')::boolean, format('hit %s of 3 must be allowed: %s', i, v_result);
  end loop;
  v_result := take_rate_limit('test:key', 3, 3600);
  assert not (v_result->>'allowed')::boolean, 'the 4th hit of 3 must be refused';
  assert (v_result->>'retryAfterSeconds')::integer between 1 and 3600, format('retry after within the window: %s', v_result);
  v_result := take_rate_limit('test:other-key', 3, 3600);
  assert (v_result->>'allowed')::boolean, 'another key has its own allowance';
end
$$;

-- Windows that ended more than a day ago are cleaned up by later calls.
do $$
begin
  insert into rate_limit_windows (key, window_start, hits) values ('test:old', now() - interval '3 days', 5);
  perform take_rate_limit('test:cleanup', 10, 60);
  assert not exists (select 1 from rate_limit_windows where key = 'test:old'), 'an old window must be deleted';
end
$$;

-- Bad arguments are input errors.
do $$
begin
  perform pg_temp.assert_refused($sql$select take_rate_limit('', 1, 60)$sql$, 'TU400', 'an empty key must be refused');
  perform pg_temp.assert_refused($sql$select take_rate_limit('k', 0, 60)$sql$, 'TU400', 'a zero limit must be refused');
end
$$;
