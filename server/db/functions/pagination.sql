-- What every paged list shares: the page size bounds and the keyset cursor of the lists sorted by a
-- value and a text key. Lists return [{node, cursor}] with one row more than asked, so the caller
-- knows whether a next page exists.

-- Every list takes 1 to 1000 rows per page (the API's own default and maximum are smaller).
create or replace function assert_page_size(p_limit integer) returns void
language plpgsql immutable as $$
begin
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception using errcode = 'TU400', message = 'page size must be between 1 and 1000';
  end if;
end
$$;

-- Parses the raw cursor "<sort value>:<key>" of the last row seen (the sort value is an integer:
-- credits, or microseconds since the epoch); both parts are null for no cursor.
create or replace function parse_keyset_cursor(p_after text, out sort_value bigint, out key text)
language plpgsql immutable as $$
begin
  if p_after is null then
    return;
  end if;
  if p_after !~ '^-?\d{1,19}:.+$' then
    raise exception using errcode = 'TU400', message = 'invalid cursor';
  end if;
  sort_value := split_part(p_after, ':', 1)::bigint;
  key := substr(p_after, length(split_part(p_after, ':', 1)) + 2);
end
$$;

-- Parses the raw cursor of the lists keyed by id alone (the id of the last row seen, at most
-- p_max_digits digits); null for no cursor.
create or replace function parse_id_cursor(p_after text, p_max_digits integer) returns bigint
language plpgsql immutable as $$
begin
  if p_after is not null and p_after !~ format('^\d{1,%s}$', p_max_digits) then
    raise exception using errcode = 'TU400', message = 'invalid cursor';
  end if;
  return p_after::bigint;
end
$$;
