-- The card a user saved for automatic top-ups (docs/auto-top-up.md): one per user, the Stripe
-- payment method that a checkout with setup_future_usage = off_session attached to the user's
-- customer, recorded from the payment_intent.succeeded webhook with the card's brand and last 4
-- digits. Removing the card keeps the row with removed_at, so a late or replayed event of the same
-- payment method never saves it again.

create table saved_cards (
  user_id text primary key references users (id),
  stripe_customer_id text not null check (length(stripe_customer_id) between 1 and 255),
  payment_method_id text not null check (length(payment_method_id) between 1 and 255),
  brand text not null check (length(brand) between 1 and 40),
  last4 text not null check (last4 ~ '^[0-9]{4}$'),
  -- When Stripe created the event that saved it: an older event never replaces a newer card.
  saved_at timestamptz not null,
  removed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
