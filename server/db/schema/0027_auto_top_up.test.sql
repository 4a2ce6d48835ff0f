-- Proves the auto top-up tables' constraints: one attempt in flight per user (the partial unique
-- index), finished attempts have finished_at, and a status outside the list is refused.
do $$
begin
  insert into users (id) values ('user_auto_top_up_schema_test');
  insert into auto_top_up_attempts (user_id, credits, amount_minor, currency, stripe_customer_id, payment_method_id, created_at)
  values ('user_auto_top_up_schema_test', 500, 500, 'usd', 'cus_1', 'pm_1', now());
  perform pg_temp.assert_refused(
    $sql$insert into auto_top_up_attempts (user_id, status, credits, amount_minor, currency, stripe_customer_id, payment_method_id, created_at)
         values ('user_auto_top_up_schema_test', 'requires_action', 500, 500, 'usd', 'cus_1', 'pm_1', now())$sql$,
    '23505', 'a second attempt in flight must be refused');
  insert into auto_top_up_attempts (user_id, status, credits, amount_minor, currency, stripe_customer_id, payment_method_id, created_at, finished_at)
  values ('user_auto_top_up_schema_test', 'succeeded', 500, 500, 'usd', 'cus_1', 'pm_1', now(), now());
  perform pg_temp.assert_refused(
    $sql$insert into auto_top_up_attempts (user_id, status, credits, amount_minor, currency, stripe_customer_id, payment_method_id, created_at)
         values ('user_auto_top_up_schema_test', 'failed', 500, 500, 'usd', 'cus_1', 'pm_1', now())$sql$,
    '23514', 'a finished attempt needs finished_at');
  perform pg_temp.assert_refused(
    $sql$insert into auto_top_up_settings (user_id, status, threshold_credits, credits, amount_minor, currency, monthly_limit_minor)
         values ('user_auto_top_up_schema_test', 'paused', 100, 500, 500, 'usd', 5000)$sql$,
    '23514', 'an unknown status must be refused');
end
$$;
