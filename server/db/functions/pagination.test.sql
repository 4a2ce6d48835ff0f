-- Proves the shared page rules: sizes outside 1..1000 and malformed cursors are TU400, and a cursor
-- whose key contains colons keeps them.
do $$
declare
  v record;
begin
  perform assert_page_size(1);
  perform assert_page_size(1000);
  perform pg_temp.assert_refused($sql$select assert_page_size(1001)$sql$, 'TU400', 'a page of 1001 must be refused');
  perform pg_temp.assert_refused($sql$select assert_page_size(null)$sql$, 'TU400', 'a missing page size must be refused');
  v := parse_keyset_cursor('-42:user:with:colons');
  assert v.sort_value = -42 and v.key = 'user:with:colons', 'the key is everything after the first colon';
  v := parse_keyset_cursor(null);
  assert v.sort_value is null and v.key is null, 'no cursor, no position';
  perform pg_temp.assert_refused($sql$select parse_keyset_cursor('abc:def')$sql$, 'TU400', 'a malformed cursor must be refused');
end
$$;
