-- Proves the clock skew table holds at most one row.
do $$
begin
  insert into ledger_clock_skew (skew) values (interval '1 hour');
  begin
    insert into ledger_clock_skew (only_row, skew) values (false, interval '1 hour');
    assert false, 'a second row must be refused';
  exception when check_violation then null;
  end;
end
$$;
