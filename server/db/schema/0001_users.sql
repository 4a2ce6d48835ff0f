-- Users, keyed by their Clerk user id. `credits` and `last_credit_update` keep the names the app
-- this replaces uses, so its queries keep working. The balance is denormalized here and written only
-- by apply_credit_movement (functions/ledger.sql), in the same transaction as its ledger row.
-- (Tables of the shipped 0001_users; its functions now live in functions/time.sql and users.sql.)

create table users (
  id text primary key check (id ~ '^[A-Za-z0-9_:.\-]{1,128}$'),
  email text check (email is null or (length(email) <= 320 and email like '%@%')),
  credits bigint not null default 0 check (credits between -9007199254740991 and 9007199254740991),
  last_credit_update timestamptz,
  stripe_customer_id text unique,
  created_at timestamptz not null default now()
);

-- Keyset pagination for the admin's user list, one index per sort order.
create index users_last_credit_update_index on users ((coalesce(last_credit_update, 'epoch'::timestamptz)) desc, id desc);
create index users_credits_index on users (credits, id);
create index users_created_at_index on users (created_at desc, id desc);
