-- Rate limits shared by every instance: one row per key and fixed window, counted in the same
-- database the instances share, so two instances do not double a user's allowance. Rows of past
-- windows are deleted by the function that counts (take_rate_limit), bounded per call.

create table rate_limit_windows (
  key text not null check (length(key) between 1 and 300),
  window_start timestamptz not null,
  hits integer not null check (hits > 0),
  primary key (key, window_start)
);

create index rate_limit_windows_start_index on rate_limit_windows (window_start);
