-- Counts one hit of `p_key` in the current fixed window of `p_window_seconds` and says whether it is
-- within `p_limit`. A refused hit is counted too (a client hammering a limit does not get through
-- by retrying faster). Returns {allowed, hits, limit, retryAfterSeconds} (seconds until the window
-- ends, at least 1, when refused). One row per key and window; up to 100 rows of windows that
-- ended more than a day ago are deleted per call, so the table stays small without a job.
create or replace function take_rate_limit(p_key text, p_limit integer, p_window_seconds integer) returns jsonb
language plpgsql as $$
declare
  v_now timestamptz := clock_timestamp();
  v_window_start timestamptz;
  v_hits integer;
begin
  if p_key is null or length(p_key) not between 1 and 300 then
    raise exception using errcode = 'TU400', message = 'a rate limit key is 1 to 300 characters';
  end if;
  if p_limit is null or p_limit < 1 or p_window_seconds is null or p_window_seconds not between 1 and 86400 then
    raise exception using errcode = 'TU400', message = 'a rate limit needs a positive limit and a window of 1 to 86400 seconds';
  end if;
  v_window_start := to_timestamp(floor(extract(epoch from v_now) / p_window_seconds) * p_window_seconds);
  insert into rate_limit_windows (key, window_start, hits) values (p_key, v_window_start, 1)
  on conflict (key, window_start) do update set hits = rate_limit_windows.hits + 1
  returning hits into v_hits;
  delete from rate_limit_windows
  where ctid in (select ctid from rate_limit_windows where window_start < v_now - interval '1 day' limit 100);
  return jsonb_build_object(
    'allowed', v_hits <= p_limit,
    'hits', v_hits,
    'limit', p_limit,
    'retryAfterSeconds', case when v_hits <= p_limit then 0
      else greatest(1, ceil(extract(epoch from (v_window_start + make_interval(secs => p_window_seconds) - v_now)))::integer) end
  );
end
$$;
