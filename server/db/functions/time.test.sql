-- Proves the time helpers: iso_time is UTC ISO 8601 and stable (so it inlines), and epoch
-- microseconds round-trip exactly.
do $$
begin
  assert iso_time('2026-01-02 03:04:05.678+00') = '2026-01-02T03:04:05.678Z', 'iso_time is UTC ISO 8601';
  assert (select provolatile from pg_proc where proname = 'iso_time') = 's', 'iso_time is stable, so it inlines';
  assert from_epoch_microseconds(epoch_microseconds('2026-01-02 03:04:05.678901+00')) = '2026-01-02 03:04:05.678901+00'::timestamptz,
    'epoch microseconds round-trip exactly';
end
$$;
