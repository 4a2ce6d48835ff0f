-- The outbox's tables refuse what they must: a non-http URL, a malformed secret, a second settings row.
do $$
begin
  perform pg_temp.assert_refused($sql$insert into webhook_endpoints (url, secret) values ('ftp://x', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=')$sql$, '23514', 'only http and https URLs');
  perform pg_temp.assert_refused($sql$insert into webhook_endpoints (url, secret) values ('https://x', 'secret')$sql$, '23514', 'only whsec_ secrets');
  perform pg_temp.assert_refused($sql$insert into webhook_settings (singleton) values (false)$sql$, '23514', 'one settings row');
end
$$;
