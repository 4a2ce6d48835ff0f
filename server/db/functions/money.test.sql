-- Proves format_money puts the decimal point where each kind of currency has it.
do $$
begin
  assert format_money(40, 'usd') = '0.40 USD', format_money(40, 'usd');
  assert format_money(12345, 'eur') = '123.45 EUR', format_money(12345, 'eur');
  assert format_money(40, 'jpy') = '40 JPY', format_money(40, 'jpy');
  assert format_money(1230, 'kwd') = '1.230 KWD', format_money(1230, 'kwd');
  assert format_money(0, 'usd') = '0.00 USD', format_money(0, 'usd');
  assert currency_exponent('JPY') = 0 and currency_exponent('bhd') = 3 and currency_exponent('gbp') = 2, 'exponents';
end
$$;
