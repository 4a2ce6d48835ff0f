-- One row that /readyz writes on every check: an instance whose database answers but cannot write
-- (a read-only replica, a read-only transaction default, a full disk) is not ready to take money.
create table readiness_probe (
  id smallint primary key check (id = 1),
  written_at timestamptz not null
);
