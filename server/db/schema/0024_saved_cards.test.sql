-- Proves the saved card's constraints: last4 is four digits, and a card needs its payment method.
do $$
begin
  insert into users (id) values ('user_saved_card_schema_test');
  perform pg_temp.assert_refused(
    $sql$insert into saved_cards (user_id, stripe_customer_id, payment_method_id, brand, last4, saved_at)
         values ('user_saved_card_schema_test', 'cus_1', 'pm_1', 'visa', '42x2', now())$sql$,
    '23514', 'last4 must be four digits');
  perform pg_temp.assert_refused(
    $sql$insert into saved_cards (user_id, stripe_customer_id, payment_method_id, brand, last4, saved_at)
         values ('user_saved_card_schema_test', 'cus_1', '', 'visa', '4242', now())$sql$,
    '23514', 'a payment method id is required');
  insert into saved_cards (user_id, stripe_customer_id, payment_method_id, brand, last4, saved_at)
  values ('user_saved_card_schema_test', 'cus_1', 'pm_1', 'visa', '4242', now());
  assert (select last4 from saved_cards where user_id = 'user_saved_card_schema_test') = '4242';
end
$$;
