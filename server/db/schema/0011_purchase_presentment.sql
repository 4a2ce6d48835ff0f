-- Stripe Adaptive Pricing: a Checkout Session created in the purchase's currency may be paid in the
-- customer's own (the presentment currency). The purchase keeps what it was recorded with
-- (credits, amount_minor, currency: the price list's), and amount_paid_minor stays in that
-- currency (the session's currency_conversion.amount_total); these columns keep what the customer
-- was actually charged, for the admin and for refunds, which Stripe reports in the charged currency.
-- All three are null for a session paid in its own currency.

alter table credit_purchases
  add column presentment_amount_minor bigint check (presentment_amount_minor >= 0),
  add column presentment_currency text check (presentment_currency ~ '^[a-z]{3}$'),
  -- Stripe's rate from currency to presentment_currency (a decimal string in the API), kept exactly.
  add column presentment_fx_rate numeric check (presentment_fx_rate > 0),
  add constraint credit_purchases_presentment_check
    check ((presentment_amount_minor is null) = (presentment_currency is null));
