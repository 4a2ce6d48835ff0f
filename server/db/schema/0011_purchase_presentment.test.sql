-- Proves the presentment columns' rules with plain SQL: amount and currency come together, the
-- currency is stored lower case, and nothing is negative.
do $$
begin
  insert into users (id) values ('user_schema_presentment_test');
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency, presentment_amount_minor, presentment_currency, presentment_fx_rate)
  values ('cs_schema_presentment', 'user_schema_presentment_test', 1000, 1000, 'usd', 920, 'eur', 0.92);
  perform pg_temp.assert_refused($sql$update credit_purchases set presentment_currency = null where session_id = 'cs_schema_presentment'$sql$, '23514', 'a presentment amount without its currency must be refused');
  perform pg_temp.assert_refused($sql$update credit_purchases set presentment_currency = 'EUR' where session_id = 'cs_schema_presentment'$sql$, '23514', 'a presentment currency must be stored lower case');
  perform pg_temp.assert_refused($sql$update credit_purchases set presentment_amount_minor = -1 where session_id = 'cs_schema_presentment'$sql$, '23514', 'a negative presentment amount must be refused');
end
$$;
