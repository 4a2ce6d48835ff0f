-- The audit table refuses what it must: an action that is not a field name, an empty actor, a
-- missing request id.
do $$
begin
  perform pg_temp.assert_refused($sql$insert into audit_log (actor, action, input, result, request_id) values ('user_admin', 'drop table', '{}', '{}', 'r1')$sql$, '23514', 'an action is a field name');
  perform pg_temp.assert_refused($sql$insert into audit_log (actor, action, input, result, request_id) values ('', 'adjustCredits', '{}', '{}', 'r1')$sql$, '23514', 'an actor is named');
  perform pg_temp.assert_refused($sql$insert into audit_log (actor, action, input, result) values ('user_admin', 'adjustCredits', '{}', '{}')$sql$, '23502', 'a request id is required');
  insert into audit_log (actor, action, input, result, request_id) values ('user_admin', 'adjustCredits', '{}', '{}', 'r1');
  assert (select not refused from audit_log where request_id = 'r1'), 'a record is of a mutation that took effect unless marked refused';
end
$$;
