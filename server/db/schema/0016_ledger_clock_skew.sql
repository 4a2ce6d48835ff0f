-- The ledger's clock (ledger_now() in functions/lots.sql) is the database's clock_timestamp() plus
-- the skew in this table. Production never writes a row here: it exists so that tests can move the
-- ledger's time forward (lots expiring, holds expiring) without sleeping. At most one row.

create table ledger_clock_skew (
  only_row boolean primary key default true check (only_row),
  skew interval not null
);
