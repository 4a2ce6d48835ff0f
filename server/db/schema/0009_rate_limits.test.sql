-- A window's count is positive and a key is bounded.
do $$
begin
  perform pg_temp.assert_refused($sql$insert into rate_limit_windows (key, window_start, hits) values ('k', now(), 0)$sql$, '23514', 'a window with 0 hits must be refused');
  perform pg_temp.assert_refused($sql$insert into rate_limit_windows (key, window_start, hits) values (repeat('k', 301), now(), 1)$sql$, '23514', 'a key over 300 characters must be refused');
end
$$;
