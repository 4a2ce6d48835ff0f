-- One row: what the server's config says about the ledger, written at boot (configure_ledger in
-- functions/lots.sql). purchased_credits_expire_days is PURCHASED_CREDITS_EXPIRE_DAYS: a purchase lot
-- expires that many days after its grant; null (the default) means purchased credits never expire.

create table ledger_settings (
  singleton boolean primary key default true check (singleton),
  purchased_credits_expire_days integer check (purchased_credits_expire_days between 1 and 36500)
);
insert into ledger_settings default values;
