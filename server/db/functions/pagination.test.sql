-- Proves the shared page rules: sizes outside 1..1000 and malformed cursors are TU400, and a cursor
-- whose key contains colons keeps them.
do $$
declare
  v record;
begin
  perform assert_page_size(1);
  perform assert_page_size(1000);
  begin
    perform assert_page_size(1001);
    assert false, 'a page of 1001 must be refused';
  exception when sqlstate 'TU400' then null;
  end;
  begin
    perform assert_page_size(null);
    assert false, 'a missing page size must be refused';
  exception when sqlstate 'TU400' then null;
  end;
  v := parse_keyset_cursor('-42:user:with:colons');
  assert v.sort_value = -42 and v.key = 'user:with:colons', 'the key is everything after the first colon';
  v := parse_keyset_cursor(null);
  assert v.sort_value is null and v.key is null, 'no cursor, no position';
  begin
    perform parse_keyset_cursor('abc:def');
    assert false, 'a malformed cursor must be refused';
  exception when sqlstate 'TU400' then null;
  end;
end
$$;
