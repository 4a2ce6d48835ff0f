-- Proves the ledger settings hold one row, start with purchases that never expire, and refuse an
-- expiry outside 1 to 36500 days.
do $$
begin
  assert (select count(*) from ledger_settings) = 1, 'one settings row';
  assert (select purchased_credits_expire_days from ledger_settings) is null, 'purchases never expire by default';
  perform pg_temp.assert_refused($sql$insert into ledger_settings (singleton) values (false)$sql$, '23514', 'one settings row');
  perform pg_temp.assert_refused($sql$update ledger_settings set purchased_credits_expire_days = 0$sql$, '23514', 'at least one day');
  perform pg_temp.assert_refused($sql$update ledger_settings set purchased_credits_expire_days = 36501$sql$, '23514', 'at most 36500 days');
end
$$;
