-- Time in and out of the database.

-- Timestamps leave the database as ISO 8601 UTC strings with milliseconds (what JavaScript's Date
-- reads), whatever the session's TimeZone: every adapter then returns the same text. Stable (as
-- to_char is), not immutable: a mislabelled volatility stops PostgreSQL from inlining it.
create or replace function iso_time(value timestamptz) returns text
language sql stable parallel safe as $$
  select to_char(value at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- Microseconds since the epoch, exact: the sortable part of keyset cursors on timestamps.
create or replace function epoch_microseconds(value timestamptz) returns bigint
language sql immutable parallel safe as $$
  select (extract(epoch from value) * 1000000)::bigint
$$;

create or replace function from_epoch_microseconds(value bigint) returns timestamptz
language sql immutable parallel safe as $$
  select 'epoch'::timestamptz + (value::text || ' microseconds')::interval
$$;
