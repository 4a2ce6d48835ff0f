-- The mail outbox refuses what it must: an unknown template, an unknown status, a second mail of
-- one template for one event or one purchase.
do $$
declare
  v_event bigint;
  v_other bigint;
begin
  perform ensure_user('user_mail_schema', 'schema@example.com');
  insert into webhook_events (type, user_id, payload) values ('balance.low', 'user_mail_schema', '{}') returning id into v_event;
  perform pg_temp.assert_refused(format($sql$insert into mail_outbox (event_id, template, data, dedupe_key) values (%s, 'welcome', '{}', 'x')$sql$, v_event), '23514', 'only known templates');
  perform pg_temp.assert_refused(format($sql$insert into mail_outbox (event_id, template, data, dedupe_key, status) values (%s, 'balance_low', '{}', 'x', 'lost')$sql$, v_event), '23514', 'only known statuses');
  delete from mail_outbox where event_id = v_event;
  insert into mail_outbox (event_id, template, data, dedupe_key) values (v_event, 'balance_low', '{}', 'event:a');
  perform pg_temp.assert_refused(format($sql$insert into mail_outbox (event_id, template, data, dedupe_key) values (%s, 'balance_low', '{}', 'event:b')$sql$, v_event), '23505', 'one mail per event and template');
  insert into webhook_events (type, user_id, payload) values ('credits.spent', 'user_mail_schema', '{}') returning id into v_other;
  perform pg_temp.assert_refused(format($sql$insert into mail_outbox (event_id, template, data, dedupe_key) values (%s, 'balance_low', '{}', 'event:a')$sql$, v_other), '23505', 'one mail per dedupe key and template');
end
$$;
