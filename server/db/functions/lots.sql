-- Credit lots (schema/0014_credit_lots.sql): the ledger's clock, the consumption order, draws,
-- expiry and the reads that never count an expired credit. apply_credit_movement
-- (functions/ledger.sql) is the only caller of the writers here, under the user's row lock.
--
-- Consumption order: soonest expires_at first (never-expiring lots last), then 'promotion' before
-- 'purchase', then oldest first. A negative movement tied to a purchase (a refund or dispute
-- clawback) draws from that purchase's own lot first. Expired means expires_at <= ledger_now().

-- The one clock of lots and holds: the database's clock_timestamp(), plus a skew that only tests
-- write (schema/0016_ledger_clock_skew.sql; production has no row).
--
-- PL/pgSQL, here and in the other small functions of the money path that read a table: PostgreSQL
-- (up to 17) plans the body of a `language sql` function that it cannot inline afresh at every call
-- of the statement that calls it, while PL/pgSQL keeps its plans for the session. Measured on the
-- webhook path (bench/probeWebhookSql.ts), planning was a third of a grant's PostgreSQL CPU.
create or replace function ledger_now() returns timestamptz
language plpgsql volatile as $$
begin
  return clock_timestamp() + coalesce((select skew from ledger_clock_skew), interval '0');
end
$$;

-- Credits still in lots whose expiry has passed at p_now but that no EXPIRY entry has taken yet:
-- the stored balance minus these is the balance as of p_now.
create or replace function expired_unswept_credits(p_user_id text, p_now timestamptz) returns bigint
language plpgsql stable as $$
begin
  return (select coalesce(sum(l.remaining), 0)::bigint from credit_lots l
    where l.user_id = p_user_id and l.remaining > 0 and l.expires_at <= p_now);
end
$$;

-- Credits reserved by the user's holds that are active at p_now.
create or replace function held_credits(p_user_id text, p_now timestamptz) returns bigint
language plpgsql stable as $$
begin
  return (select coalesce(sum(h.amount), 0)::bigint from credit_holds h
    where h.user_id = p_user_id and h.status = 'active' and h.expires_at > p_now);
end
$$;

create or replace function lot_json(l credit_lots, p_now timestamptz) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', l.id::text,
    'userId', l.user_id,
    'kind', l.kind,
    'credits', l.credits,
    'remaining', case when l.expires_at <= p_now then 0 else l.remaining end,
    'expiresAt', iso_time(l.expires_at),
    'createdAt', iso_time(l.created_at),
    'purchaseSessionId', l.purchase_session_id
  )
$$;

-- The user's lots in consumption order; only those with credits left at this instant unless
-- p_include_spent.
create or replace function list_lots(p_user_id text, p_include_spent boolean default false) returns jsonb
language sql volatile as $$
  with clock as (select ledger_now() as now)
  select coalesce(jsonb_agg(lot_json(l, clock.now) order by l.expires_at nulls last, l.kind, l.id), '[]'::jsonb)
  from credit_lots l, clock
  where l.user_id = p_user_id
    and (p_include_spent or (l.remaining > 0 and (l.expires_at is null or l.expires_at > clock.now)))
$$;

-- What the server's config says, at every boot: PURCHASED_CREDITS_EXPIRE_DAYS (null: never). It
-- applies to purchases granted from then on; lots already made keep their expiry.
create or replace function configure_ledger(p_purchased_credits_expire_days integer) returns jsonb
language plpgsql as $$
begin
  if p_purchased_credits_expire_days is not null and p_purchased_credits_expire_days not between 1 and 36500 then
    raise exception using errcode = 'TU400', message = 'purchased credits expire after 1 to 36500 days';
  end if;
  update ledger_settings set purchased_credits_expire_days = p_purchased_credits_expire_days
  where purchased_credits_expire_days is distinct from p_purchased_credits_expire_days;
  return (select jsonb_build_object('purchasedCreditsExpireDays', purchased_credits_expire_days) from ledger_settings);
end
$$;

-- When a lot made by p_entry expires, unless the caller named an expiry: a purchase
-- PURCHASED_CREDITS_EXPIRE_DAYS after its grant (never when unset); credits a won dispute restores
-- keep the expiry of their purchase's lot (so a dispute never makes bought credits last longer).
create or replace function lot_expiry_of(p_entry credit_ledger) returns timestamptz
language plpgsql stable as $$
begin
  if p_entry.kind = 'purchase' then
    -- Days of 24 hours: the same instant whatever the session's time zone (no daylight-saving shift).
    return p_entry.created_at + make_interval(hours => 24 * (select s.purchased_credits_expire_days from ledger_settings s));
  elsif p_entry.kind = 'dispute_won' then
    -- The user's lots (credit_lots_user_index), then the purchase's: lots have no session index.
    return (select l.expires_at from credit_lots l
      where l.user_id = p_entry.user_id and l.purchase_session_id = p_entry.purchase_session_id and l.kind = 'purchase'
      order by l.id limit 1);
  end if;
  return null;
end
$$;

-- A positive movement's lot, expiring at p_expires_at, else at lot_expiry_of. While the balance
-- before it was negative, the grant repays that debt first, and only the rest enters the lot.
create or replace function add_lot(p_entry credit_ledger, p_balance_before bigint, p_expires_at timestamptz) returns void
language plpgsql as $$
declare
  v_repaid bigint := least(p_entry.delta, greatest(0, -p_balance_before));
begin
  insert into credit_lots (user_id, kind, credits, remaining, expires_at, entry_id, purchase_session_id, debt_repaid, created_at)
  values (p_entry.user_id,
    case when p_entry.kind in ('purchase', 'dispute_won') then 'purchase' else 'promotion' end,
    p_entry.delta, p_entry.delta - v_repaid, coalesce(p_expires_at, lot_expiry_of(p_entry)), p_entry.id,
    p_entry.purchase_session_id, v_repaid, p_entry.created_at);
end
$$;

-- How the entry p_entry_id changed lots, signed like its delta: the credits its grant put into the
-- lot it made (what did not repay debt), or what it drew from each lot (a spend, a capture, an
-- expiry, a clawback), the grant first, then by lot in consumption order.
-- [{lotId, lotKind, lotExpiresAt, credits}]; empty for entries from before lots and for a clawback
-- that only made debt.
create or replace function entry_lot_changes(p_entry_id bigint) returns jsonb
language sql stable as $$
  select coalesce(jsonb_agg(jsonb_build_object(
      'lotId', l.id::text, 'lotKind', l.kind, 'lotExpiresAt', iso_time(l.expires_at), 'credits', c.credits)
    order by c.credits > 0 desc, l.expires_at nulls last, l.kind, l.id), '[]'::jsonb)
  from (
    select g.id as lot_id, g.credits - g.debt_repaid as credits from credit_lots g
    where g.entry_id = p_entry_id and g.credits > g.debt_repaid
    union all
    select d.lot_id, -d.credits from credit_lot_draws d where d.entry_id = p_entry_id
  ) c join credit_lots l on l.id = c.lot_id
$$;

-- The lot changes of several entries (one call for the entries of a mutation's results, at most
-- 1000): {entryId: [...]}. Ids are digits (the caller checks); an unknown id has no changes.
create or replace function lot_changes_of_entries(p_entry_ids text[]) returns jsonb
language plpgsql stable as $$
begin
  if cardinality(p_entry_ids) > 1000 then
    raise exception using errcode = 'TU400', message = 'at most 1000 entries at once';
  end if;
  return (select coalesce(jsonb_object_agg(i.id, entry_lot_changes(i.id::bigint)), '{}'::jsonb)
    from (select distinct id from unnest(p_entry_ids) as u(id)) i);
end
$$;

-- A negative movement takes -delta from the lots live at p_now, in consumption order (its own
-- purchase's lot first), recording each draw. What the lots cannot cover is debt (a clawback that
-- overdraws); a movement that may not overdraw was refused before this.
create or replace function draw_from_lots(p_entry credit_ledger, p_now timestamptz) returns void
language plpgsql as $$
declare
  v_left bigint := -p_entry.delta;
  v_lot credit_lots;
  v_take bigint;
begin
  for v_lot in
    select * from credit_lots
    where user_id = p_entry.user_id and remaining > 0 and (expires_at is null or expires_at > p_now)
    order by (p_entry.purchase_session_id is not null and purchase_session_id is not distinct from p_entry.purchase_session_id) desc,
      expires_at nulls last, kind, id
    for update
  loop
    exit when v_left = 0;
    v_take := least(v_left, v_lot.remaining);
    update credit_lots set remaining = remaining - v_take where id = v_lot.id;
    insert into credit_lot_draws (entry_id, lot_id, credits) values (p_entry.id, v_lot.id, v_take);
    v_left := v_left - v_take;
  end loop;
end
$$;

-- Writes one EXPIRY entry (actor 'system') for each of the user's lots whose expiry has passed at
-- p_now with credits left, and returns the balance after them. The caller holds the user's row lock.
create or replace function expire_due_lots(p_user_id text, p_balance bigint, p_now timestamptz) returns bigint
language plpgsql as $$
declare
  v_lot credit_lots;
  v_entry_id bigint;
  v_balance bigint := p_balance;
begin
  for v_lot in
    select * from credit_lots where user_id = p_user_id and remaining > 0 and expires_at <= p_now
    order by expires_at, id for update
  loop
    v_balance := v_balance - v_lot.remaining;
    insert into credit_ledger (user_id, delta, balance_after, kind, reason, actor, source_type, source_id, created_at)
    values (p_user_id, -v_lot.remaining, v_balance, 'expiry',
      format('%s credits expired (lot %s, %s)', v_lot.remaining, v_lot.id, iso_time(v_lot.expires_at)),
      'system', 'lot', v_lot.id::text, p_now)
    returning id into v_entry_id;
    insert into credit_lot_draws (entry_id, lot_id, credits) values (v_entry_id, v_lot.id, v_lot.remaining);
    update credit_lots set remaining = 0, expiry_entry_id = v_entry_id where id = v_lot.id;
  end loop;
  if v_balance <> p_balance then
    update users set credits = v_balance, last_credit_update = p_now where id = p_user_id;
  end if;
  return v_balance;
end
$$;

-- The sweep every instance runs (EXPIRY_SWEEP_SECONDS): marks holds past their expiry 'expired' and
-- writes the EXPIRY entries of up to p_limit users. Rows are claimed with FOR UPDATE SKIP LOCKED, so
-- instances share the work, and a user whose row is locked (a movement in progress, which expires
-- that user's lots itself) is skipped, for holds as for lots.
create or replace function sweep_expired_credits(p_limit integer default 100) returns jsonb
language plpgsql as $$
declare
  v_now timestamptz := ledger_now();
  v_holds integer;
  v_user users;
  v_users integer := 0;
begin
  -- The hold's user is locked with it (skipped when busy, taken by the next sweep): marking a hold
  -- expired judges that user's balance alerts (functions/webhooks.sql) under the user's row lock,
  -- and a sweep that waited for it could deadlock with another sweep or a batch.
  with due as (
    select h.id from credit_holds h join users u on u.id = h.user_id
    where h.status = 'active' and h.expires_at <= v_now
    order by h.expires_at limit p_limit for update of h, u skip locked
  )
  update credit_holds h set status = 'expired', finished_at = v_now from due where h.id = due.id;
  get diagnostics v_holds = row_count;
  for v_user in
    select u.* from users u
    where u.id in (select l.user_id from credit_lots l where l.remaining > 0 and l.expires_at <= v_now limit p_limit)
    for update of u skip locked
  loop
    perform expire_due_lots(v_user.id, v_user.credits, v_now);
    v_users := v_users + 1;
  end loop;
  return jsonb_build_object('holdsExpired', v_holds, 'usersExpired', v_users);
end
$$;
