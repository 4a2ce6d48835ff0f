-- Proves the reservation row's own rules with plain SQL: positive credits and amount, a target that
-- includes the amount, and a refund id exactly when Stripe made the refund.
do $$
begin
  insert into users (id) values ('user_schema_refund_test');
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency)
  values ('cs_schema_refund_test', 'user_schema_refund_test', 10, 10, 'usd');
  insert into refund_requests (session_id, user_id, credits, amount_minor, refunded_total_target_minor, actor)
  values ('cs_schema_refund_test', 'user_schema_refund_test', 5, 5, 5, 'user_admin');
  perform pg_temp.assert_refused($sql$insert into refund_requests (session_id, user_id, credits, amount_minor, refunded_total_target_minor, actor) values ('cs_schema_refund_test', 'user_schema_refund_test', 0, 5, 5, 'user_admin')$sql$, '23514', 'a reservation of no credits must be refused');
  perform pg_temp.assert_refused($sql$insert into refund_requests (session_id, user_id, credits, amount_minor, refunded_total_target_minor, actor) values ('cs_schema_refund_test', 'user_schema_refund_test', 5, 5, 4, 'user_admin')$sql$, '23514', 'a target below the amount must be refused');
  perform pg_temp.assert_refused($sql$update refund_requests set status = 'succeeded' where session_id = 'cs_schema_refund_test'$sql$, '23514', 'a succeeded refund needs its Stripe id');
  assert (select amount_refunded_in_lines_minor from credit_purchases where session_id = 'cs_schema_refund_test') = 0,
    'a new purchase has shown no refund';
end
$$;
