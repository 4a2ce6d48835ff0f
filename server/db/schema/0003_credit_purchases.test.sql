-- Proves the purchase row's own rules with plain SQL: credits are granted all or nothing, clawbacks
-- never exceed the grant, and a purchase without credits must carry a flag.
do $$
begin
  insert into users (id) values ('user_schema_purchase_test');
  insert into credit_purchases (session_id, user_id, credits, amount_minor, currency)
  values ('cs_schema_test', 'user_schema_purchase_test', 10, 10, 'usd');
  begin
    update credit_purchases set credits_granted = 5 where session_id = 'cs_schema_test';
    assert false, 'a partial grant must be refused';
  exception when check_violation then null;
  end;
  begin
    update credit_purchases set credits_clawed_back = 1 where session_id = 'cs_schema_test';
    assert false, 'a clawback beyond the grant must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into credit_purchases (session_id, user_id, credits, amount_minor, currency)
    values ('cs_schema_test_zero', 'user_schema_purchase_test', 0, 0, 'usd');
    assert false, 'a purchase of 0 credits without a flag must be refused';
  exception when check_violation then null;
  end;
  begin
    insert into credit_purchases (session_id, user_id, credits, amount_minor, currency)
    values ('cs_schema_test_currency', 'user_schema_purchase_test', 1, 1, 'USD');
    assert false, 'a currency must be stored lower-case';
  exception when check_violation then null;
  end;
end
$$;
