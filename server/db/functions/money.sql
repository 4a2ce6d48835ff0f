-- Money in words: amounts are stored in minor units, and a currency's exponent says where the decimal
-- point goes (Stripe's "Supported currencies": zero-decimal JPY, three-decimal KWD, two decimals
-- otherwise). The same table as server/billing/currencies.ts; test/billing/moneyFormat.test.ts
-- proves they agree for every currency listed there.

create or replace function currency_exponent(p_currency text) returns integer
language sql immutable parallel safe as $$
  select case
    when lower(p_currency) in ('bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf') then 0
    when lower(p_currency) in ('bhd', 'jod', 'kwd', 'omr', 'tnd') then 3
    else 2
  end
$$;

-- An amount in minor units as the currency writes it: format_money(40, 'usd') = '0.40 USD',
-- format_money(40, 'jpy') = '40 JPY', format_money(1230, 'kwd') = '1.230 KWD'.
create or replace function format_money(p_amount_minor bigint, p_currency text) returns text
language sql immutable parallel safe as $$
  select round(p_amount_minor::numeric / power(10::numeric, currency_exponent(p_currency)), currency_exponent(p_currency))::text
    || ' ' || upper(p_currency)
$$;
