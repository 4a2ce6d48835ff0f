-- A window's count is positive and a key is bounded.
do $$
begin
  begin
    insert into rate_limit_windows (key, window_start, hits) values ('k', now(), 0);
    assert false, 'a window with 0 hits must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into rate_limit_windows (key, window_start, hits) values (repeat('k', 301), now(), 1);
    assert false, 'a key over 300 characters must be refused';
  exception when check_violation then null;
  end;
end
$$;
