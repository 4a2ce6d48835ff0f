-- Idempotency keys in scopes. Until now every key shared one unique column, so a client could take a
-- key Topup uses itself: a spend keyed `clawback:<session>:1` made the refund's clawback a conflict
-- (the refund was paid, the credits kept), a spend keyed `purchase:<session>` made a paid purchase
-- grant nothing. A key is now unique within (scope, user): the scope is 'system' for Topup's own
-- movements (purchases, clawbacks, seeds) and 'client:<actor>' for the keys callers choose
-- (spend_credits, adjust_credits), so client keys and system keys never meet, and two services or two
-- users with the same key never collide. apply_credit_movement (functions/ledger.sql) writes it.

alter table credit_ledger add column idempotency_scope text;

-- The rows written so far: spends (source 'service') and adjustments (source 'admin') were keyed by
-- their caller; every other keyed row (purchases, clawbacks, seeds, grants) by Topup itself. The
-- ledger's append-only triggers (functions/ledger.sql) are set aside for this one backfill of a new
-- column; no existing value changes.
alter table credit_ledger disable trigger user;
update credit_ledger set idempotency_scope = case
    when (kind = 'spend' and source_type = 'service') or (kind = 'adjustment' and source_type = 'admin') then 'client:' || actor
    else 'system'
  end
where idempotency_key is not null;
alter table credit_ledger enable trigger user;

alter table credit_ledger add constraint credit_ledger_idempotency_scope_check check (
  (idempotency_key is null) = (idempotency_scope is null)
  and (idempotency_scope is null or idempotency_scope = 'system' or idempotency_scope like 'client:_%')
  and length(idempotency_scope) <= 210
);

alter table credit_ledger drop constraint credit_ledger_idempotency_key_key;
create unique index credit_ledger_idempotency_index on credit_ledger (idempotency_scope, user_id, idempotency_key);
