-- Proves the purchase row's own rules with plain SQL: credits are granted all or nothing, clawbacks
-- never exceed the grant, and a purchase without credits must carry a flag.
do $$
begin
  insert into users (id) values ('user_schema_purchase_test');
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency)
  values ('cs_schema_test', 'user_schema_purchase_test', 10, 10, 'usd');
  perform pg_temp.assert_refused($sql$update credit_purchases set credits_granted = 5 where session_id = 'cs_schema_test'$sql$, '23514', 'a partial grant must be refused');
  perform pg_temp.assert_refused($sql$update credit_purchases set credits_clawed_back = 1 where session_id = 'cs_schema_test'$sql$, '23514', 'a clawback beyond the grant must be refused');
  perform pg_temp.assert_refused($sql$insert into credit_purchases (session_id, user_id, credits, amount_minor, currency) values ('cs_schema_test_zero', 'user_schema_purchase_test', 0, 0, 'usd')$sql$, '23514', 'a purchase of 0 credits without a flag must be refused');
  perform pg_temp.assert_refused($sql$insert into credit_purchases (session_id, user_id, credits, amount_minor, currency) values ('cs_schema_test_currency', 'user_schema_purchase_test', 1, 1, 'USD')$sql$, '23514', 'a currency must be stored lower-case');
end
$$;
