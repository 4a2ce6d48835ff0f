-- Credit lots: every grant is a lot (its kind, credits, what remains, expiry, source), and every
-- movement that takes credits records which lots it drew from (credit_lot_draws), so any balance can
-- be explained lot by lot. apply_credit_movement (functions/ledger.sql) keeps them; the rules are in
-- functions/lots.sql. Two new ledger kinds: 'promotion' (a grant by an admin or a service, optionally
-- expiring) and 'expiry' (the unspent remainder of a lot at its expires_at, taken by Topup).

alter table credit_ledger drop constraint credit_ledger_kind_check;
alter table credit_ledger add constraint credit_ledger_kind_check
  check (kind in ('purchase', 'refund', 'dispute', 'dispute_won', 'adjustment', 'spend', 'promotion', 'expiry'));
alter table credit_ledger drop constraint credit_ledger_check1;
alter table credit_ledger add constraint credit_ledger_delta_sign_check check (
  (kind in ('purchase', 'dispute_won', 'promotion') and delta > 0)
  or (kind in ('spend', 'refund', 'dispute', 'expiry') and delta < 0)
  or kind = 'adjustment'
);

create table credit_lots (
  id bigint generated always as identity primary key,
  user_id text not null references users (id),
  -- 'purchase': bought (or restored by a won dispute); 'promotion': promotional grants and positive
  -- adjustments (those never expire).
  kind text not null check (kind in ('purchase', 'promotion')),
  credits bigint not null check (credits > 0 and credits <= 9007199254740991),
  remaining bigint not null check (remaining >= 0 and remaining <= credits),
  -- Null: never expires. Expired means expires_at <= the ledger's clock (functions/lots.sql).
  expires_at timestamptz,
  -- The grant that made the lot; null for the lots this migration makes from existing balances.
  entry_id bigint unique references credit_ledger (id),
  purchase_session_id text references credit_purchases (session_id),
  -- Credits of the grant that repaid debt (a negative balance) and so never entered the lot, and
  -- credits spent before lots existed: remaining = credits - debt_repaid - drawn_before_lots - draws.
  debt_repaid bigint not null default 0 check (debt_repaid >= 0),
  drawn_before_lots bigint not null default 0 check (drawn_before_lots >= 0),
  -- The EXPIRY entry that took what was left at expires_at.
  expiry_entry_id bigint unique references credit_ledger (id),
  created_at timestamptz not null default clock_timestamp()
);

-- The lots a movement may draw from, in consumption order; and the lots the sweep must expire.
create index credit_lots_live_index on credit_lots (user_id, expires_at, kind, id) where remaining > 0;
create index credit_lots_expiring_index on credit_lots (expires_at) where remaining > 0 and expires_at is not null;
create index credit_lots_user_index on credit_lots (user_id, id);

create table credit_lot_draws (
  entry_id bigint not null references credit_ledger (id),
  lot_id bigint not null references credit_lots (id),
  credits bigint not null check (credits > 0 and credits <= 9007199254740991),
  primary key (entry_id, lot_id)
);
create index credit_lot_draws_lot_index on credit_lot_draws (lot_id);

-- Existing balances become lots. Each user's positive balance is explained by their purchases first
-- (what each kept after its clawbacks, the newest purchase kept first: consumption took the oldest),
-- and the rest of it becomes one lot that never expires. A negative balance (debt) has no lot.
with purchase_kept as (
  select p.session_id, p.user_id, p.credits_granted, p.created_at, u.credits as balance,
    p.credits_granted - p.credits_clawed_back as kept,
    coalesce(sum(p.credits_granted - p.credits_clawed_back) over (
      partition by p.user_id order by p.created_at desc, p.session_id desc
      rows between unbounded preceding and 1 preceding), 0) as kept_by_newer
  from credit_purchases p join users u on u.id = p.user_id
  where p.credits_granted > 0
)
insert into credit_lots (user_id, kind, credits, remaining, purchase_session_id, drawn_before_lots, entry_id, created_at)
select k.user_id, 'purchase', k.credits_granted, r.remaining, k.session_id, k.credits_granted - r.remaining,
  (select e.id from credit_ledger e where e.kind = 'purchase' and e.purchase_session_id = k.session_id order by e.id limit 1),
  k.created_at
from purchase_kept k
cross join lateral (select greatest(0, least(k.kept, k.balance - k.kept_by_newer)) as remaining) r;

insert into credit_lots (user_id, kind, credits, remaining)
select u.id, 'promotion', u.credits - coalesce(l.total, 0), u.credits - coalesce(l.total, 0)
from users u left join (select user_id, sum(remaining) as total from credit_lots group by user_id) l on l.user_id = u.id
where u.credits - coalesce(l.total, 0) > 0;
