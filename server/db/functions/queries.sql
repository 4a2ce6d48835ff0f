-- The reads behind the API: keyset-paginated lists (a page deep in a long history costs what the
-- first page costs; page rules in pagination.sql), the admin's statistics, and the ledger invariant
-- check. list_purchases lives with the purchases (purchases.sql).

-- Users, sorted by one of four orders, optionally searched by id or email (case-insensitive
-- substring). p_after is the raw cursor "<sort value>:<user id>" of the last row seen.
create or replace function list_users(
  p_search text default null,
  p_sort text default 'last_credit_update_desc',
  p_after text default null,
  p_limit integer default 20
) returns jsonb
language plpgsql stable as $$
declare
  v_column text;
  v_is_time boolean := true;
  v_direction text := 'desc';
  v_after_value bigint;
  v_after_id text;
  v_pattern text;
  v_rows jsonb;
begin
  perform assert_page_size(p_limit);
  -- The sort columns are exactly the expressions indexed in schema/0001_users.sql, so a page is an index range scan.
  case p_sort
    when 'last_credit_update_desc' then v_column := 'coalesce(u.last_credit_update, ''epoch''::timestamptz)';
    when 'created_at_desc' then v_column := 'u.created_at';
    when 'credits_desc' then v_column := 'u.credits'; v_is_time := false;
    when 'credits_asc' then v_column := 'u.credits'; v_is_time := false; v_direction := 'asc';
    else raise exception using errcode = 'TU400', message = 'unknown sort order';
  end case;
  select c.sort_value, c.key into v_after_value, v_after_id from parse_keyset_cursor(p_after) c;
  if p_search is not null and length(btrim(p_search)) > 0 then
    v_pattern := '%' || replace(replace(replace(lower(btrim(p_search)), '\', '\\'), '%', '\%'), '_', '\_') || '%';
  end if;
  execute format($query$
    select coalesce(jsonb_agg(jsonb_build_object('node', user_json(page.user_row), 'cursor', page.cursor_value::text || ':' || page.id)
                              order by page.sort_value %2$s, page.id %2$s), '[]'::jsonb)
    from (
      select u as user_row, u.id, %1$s as sort_value, %4$s as cursor_value from users u
      where ($1::text is null or lower(u.id) like $1 or lower(u.email) like $1)
        and ($2::bigint is null or (%1$s, u.id) %3$s (%5$s, $3::text))
      order by %1$s %2$s, u.id %2$s
      limit $4
    ) page
  $query$,
    v_column,
    v_direction,
    case when v_direction = 'desc' then '<' else '>' end,
    case when v_is_time then format('epoch_microseconds(%s)', v_column) else v_column end,
    case when v_is_time then 'from_epoch_microseconds($2::bigint)' else '$2::bigint' end)
  into v_rows
  using v_pattern, v_after_value, v_after_id, p_limit + 1;
  return v_rows;
end
$$;

-- A LIKE pattern matching p_text anywhere, case-insensitively (compare with lower(...)): the
-- characters LIKE treats specially (\ % _) are escaped, so "user_1%" means exactly those characters.
create or replace function contains_like_pattern(p_text text) returns text
language sql immutable as $$
  select '%' || replace(replace(replace(lower(btrim(p_text)), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- The signature before p_user_id_contains: dropped so that named calls are not ambiguous.
drop function if exists list_ledger_entries(text, text[], timestamptz, timestamptz, text, text, integer);

-- Ledger entries newest first (by id, which follows commit order per user), with optional filters,
-- each with the lots it changed (entry_lot_changes: two index lookups per entry, in this one call,
-- so a page costs no query per row). p_after is the raw cursor: the id of the last entry seen. Only the filters given enter the query,
-- so the planner picks the matching index (user, kind, actor or the primary key).
-- p_user_id_contains matches part of a user id, case-insensitively, like the users search: the
-- matching users are found first (a scan of users, far fewer rows than the ledger), and their
-- entries through the (user_id, id desc) index.
create or replace function list_ledger_entries(
  p_user_id text default null,
  p_kinds text[] default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_actor text default null,
  p_after text default null,
  p_limit integer default 20,
  p_user_id_contains text default null
) returns jsonb
language plpgsql stable as $$
declare
  v_after_id bigint;
  v_conditions text := '';
  v_rows jsonb;
begin
  perform assert_page_size(p_limit);
  v_after_id := parse_id_cursor(p_after, 18);
  if v_after_id is not null then v_conditions := v_conditions || ' and e.id < $6'; end if;
  if p_user_id is not null then v_conditions := v_conditions || ' and e.user_id = $1'; end if;
  if p_kinds is not null and cardinality(p_kinds) > 0 then v_conditions := v_conditions || ' and e.kind = any($2)'; end if;
  if p_from is not null then v_conditions := v_conditions || ' and e.created_at >= $3'; end if;
  if p_to is not null then v_conditions := v_conditions || ' and e.created_at < $4'; end if;
  if p_actor is not null then v_conditions := v_conditions || ' and e.actor = $5'; end if;
  if length(btrim(coalesce(p_user_id_contains, ''))) > 0 then
    v_conditions := v_conditions || ' and e.user_id in (select u.id from users u where lower(u.id) like $8)';
  end if;
  execute format($query$
    select coalesce(jsonb_agg(jsonb_build_object(
        'node', ledger_entry_json(page) || jsonb_build_object('lotChanges', entry_lot_changes(page.id)),
        'cursor', page.id::text) order by page.id desc), '[]'::jsonb)
    from (select e.* from credit_ledger e where true %s order by e.id desc limit $7) page
  $query$, v_conditions)
  into v_rows
  using p_user_id, p_kinds, p_from, p_to, p_actor, v_after_id, p_limit + 1, contains_like_pattern(coalesce(p_user_id_contains, ''));
  return v_rows;
end
$$;

-- Credit flows per day or week in [p_from, p_to), every bucket present (zeros included), in UTC.
-- Clawed back is net of disputes won. Revenue is what was paid for purchases granted in the bucket,
-- one entry per currency: revenue [{currency, amountMinor, creditsSold, purchases}].
create or replace function credit_stats(p_from timestamptz, p_to timestamptz, p_interval text default 'day') returns jsonb
language plpgsql stable as $$
declare
  v_step interval;
  v_first timestamptz;
begin
  if p_interval not in ('day', 'week') then
    raise exception using errcode = 'TU400', message = 'interval must be day or week';
  end if;
  if p_from is null or p_to is null or p_to <= p_from then
    raise exception using errcode = 'TU400', message = 'from must be before to';
  end if;
  v_step := case when p_interval = 'day' then interval '1 day' else interval '1 week' end;
  if extract(epoch from (p_to - p_from)) / extract(epoch from v_step) > 400 then
    raise exception using errcode = 'TU400', message = 'at most 400 buckets per request';
  end if;
  v_first := date_trunc(p_interval, p_from at time zone 'UTC') at time zone 'UTC';
  return (
    with buckets as (
      select generate_series(v_first, p_to - interval '1 microsecond', v_step) as start
    ),
    flows as (
      select date_trunc(p_interval, e.created_at at time zone 'UTC') at time zone 'UTC' as start,
        coalesce(sum(e.delta) filter (where e.kind = 'purchase'), 0) as sold,
        coalesce(-sum(e.delta) filter (where e.kind = 'spend'), 0) as spent,
        coalesce(-sum(e.delta) filter (where e.kind in ('refund', 'dispute', 'dispute_won')), 0) as clawed_back,
        coalesce(sum(e.delta) filter (where e.kind = 'adjustment'), 0) as adjusted
      from credit_ledger e
      where e.created_at >= p_from and e.created_at < p_to
      group by 1
    ),
    -- Money is never summed across currencies: one entry per bucket and recorded currency (for a
    -- session Stripe converted, the recorded currency's amount, not the presentment one).
    revenue_by_currency as (
      select date_trunc(p_interval, p.paid_at at time zone 'UTC') at time zone 'UTC' as start, p.currency,
        sum(coalesce(p.amount_paid_minor, p.amount_minor)) as amount_minor, sum(p.credits_granted) as credits_sold,
        count(*) as purchases
      from credit_purchases p
      where p.credits_granted > 0 and p.paid_at >= p_from and p.paid_at < p_to
      group by 1, 2
    ),
    revenue as (
      select r.start, jsonb_agg(jsonb_build_object('currency', r.currency, 'amountMinor', r.amount_minor,
          'creditsSold', r.credits_sold, 'purchases', r.purchases) order by r.currency) as entries
      from revenue_by_currency r
      group by r.start
    )
    select coalesce(jsonb_agg(jsonb_build_object(
        'start', iso_time(b.start),
        'creditsSold', coalesce(f.sold, 0),
        'creditsSpent', coalesce(f.spent, 0),
        'creditsClawedBack', coalesce(f.clawed_back, 0),
        'creditsAdjusted', coalesce(f.adjusted, 0),
        'revenue', coalesce(r.entries, '[]'::jsonb)
      ) order by b.start), '[]'::jsonb)
    from buckets b
    left join flows f on f.start = b.start
    left join revenue r on r.start = b.start
  );
end
$$;

-- verify_ledger's purchase checks beyond the grant count, one problem each.
create or replace function purchase_settlement_problems() returns setof jsonb
language sql stable as $$
  -- A paid purchase that matched (not flagged) must have its grant: before 0005 a client's spend
  -- keyed `purchase:<session>` could take the grant's key.
  select jsonb_build_object('problem', 'paid, unflagged purchase without its grant', 'sessionId', p.session_id,
    'userId', p.user_id, 'credits', p.credits) as problem
  from credit_purchases p
  where p.paid_at is not null and p.flag_reason is null and p.credits_granted = 0
  union all
  -- What a purchase clawed back must be what its refund and dispute entries took (before 0005 a
  -- client's spend keyed `clawback:<session>:<n>` could take a clawback's key), and what its
  -- recorded refunds and dispute imply.
  select jsonb_build_object('problem', 'credits clawed back differ from the refund and dispute entries',
    'sessionId', p.session_id, 'creditsClawedBack', p.credits_clawed_back, 'entries', coalesce(-e.total, 0)) as problem
  from credit_purchases p
  left join (select e.purchase_session_id, sum(e.delta) as total from credit_ledger e
             where e.kind in ('refund', 'dispute', 'dispute_won') group by 1) e on e.purchase_session_id = p.session_id
  where p.credits_clawed_back <> coalesce(-e.total, 0)
  union all
  select jsonb_build_object('problem', 'refunds or a dispute recorded without their clawback', 'sessionId', p.session_id,
    'creditsGranted', p.credits_granted, 'creditsClawedBack', p.credits_clawed_back,
    'amountRefundedMinor', greatest(p.amount_refunded_minor, coalesce(s.amount_refunded_minor, 0)),
    'disputeStatus', coalesce(s.dispute_status, p.dispute_status)) as problem
  from credit_purchases p
  left join stripe_payment_states s on s.payment_intent_id = p.payment_intent_id
  where p.credits_granted > 0 and (
    coalesce(s.amount_refunded_minor, 0) > p.amount_refunded_minor
    or (s.dispute_status is not null and s.dispute_status is distinct from p.dispute_status)
    or (coalesce(s.dispute_status, p.dispute_status) is not null
        and not dispute_restores_credits(coalesce(s.dispute_status, p.dispute_status))
        and p.credits_clawed_back <> p.credits_granted)
    or (p.amount_refunded_minor > 0 and p.credits_clawed_back = 0)
    or (p.amount_refunded_minor = 0 and coalesce(s.dispute_status, p.dispute_status) is null and p.credits_clawed_back <> 0)
  )
$$;

-- verify_ledger's lot checks, one problem each: the lots of every user add up to the balance
-- (what is not swept yet included; a negative balance has no credits in lots), every lot's remaining
-- is what was granted less its draws (and what repaid debt or was spent before lots existed), and the
-- draws of a spend, an expiry or a negative adjustment are its delta (a clawback's at most its delta).
create or replace function lot_problems() returns setof jsonb
language sql stable as $$
  select jsonb_build_object('problem', 'lots do not add up to the balance', 'userId', u.id,
    'credits', u.credits, 'lots', coalesce(l.total, 0)) as problem
  from users u left join (select user_id, sum(remaining) as total from credit_lots group by user_id) l on l.user_id = u.id
  where coalesce(l.total, 0) <> greatest(u.credits, 0)
  union all
  select jsonb_build_object('problem', 'lot remaining differs from its grant less its draws', 'lotId', l.id::text,
    'remaining', l.remaining, 'expected', l.credits - l.debt_repaid - l.drawn_before_lots - coalesce(d.total, 0)) as problem
  from credit_lots l left join (select lot_id, sum(credits) as total from credit_lot_draws group by lot_id) d on d.lot_id = l.id
  where l.remaining < 0 or l.remaining <> l.credits - l.debt_repaid - l.drawn_before_lots - coalesce(d.total, 0)
  union all
  select jsonb_build_object('problem', 'draws differ from the entry''s delta', 'entryId', e.id::text,
    'delta', e.delta, 'drawn', coalesce(d.total, 0)) as problem
  from credit_ledger e left join (select entry_id, sum(credits) as total from credit_lot_draws group by entry_id) d on d.entry_id = e.id
  -- Entries written before lots existed have no draws; every expiry has, and a clawback's may fall
  -- short of its delta by the debt it made.
  where (d.total is not null or e.kind = 'expiry')
    and (coalesce(d.total, 0) > -e.delta or (e.kind in ('spend', 'expiry', 'adjustment') and coalesce(d.total, 0) <> -e.delta))
$$;

-- The invariant: every user's balance is the sum of their deltas, and every row's balance_after is
-- the running sum up to it; every granted purchase has one grant entry, every paid unflagged one is
-- granted, and every purchase's clawback matches its refund and dispute entries and the refunds and
-- dispute Stripe reported for its payment. Returns counts and up to 100 problems; empty problems
-- means consistent.
create or replace function verify_ledger() returns jsonb
language sql stable as $$
  with running as (
    select e.id, e.user_id, e.balance_after,
      sum(e.delta) over (partition by e.user_id order by e.id) as expected_balance_after
    from credit_ledger e
  ),
  row_problems as (
    select jsonb_build_object('problem', 'balance_after differs from the running sum', 'entryId', id::text,
      'userId', user_id, 'balanceAfter', balance_after, 'expected', expected_balance_after) as problem
    from running where balance_after <> expected_balance_after
  ),
  user_problems as (
    select jsonb_build_object('problem', 'credits differ from the sum of deltas', 'userId', u.id,
      'credits', u.credits, 'expected', coalesce(s.total, 0)) as problem
    from users u left join (select user_id, sum(delta) as total from credit_ledger group by user_id) s on s.user_id = u.id
    where u.credits <> coalesce(s.total, 0)
  ),
  purchase_problems as (
    select jsonb_build_object('problem', 'granted purchase without exactly one purchase entry', 'sessionId', p.session_id) as problem
    from credit_purchases p
    left join (select e.purchase_session_id, count(*) as entries from credit_ledger e where e.kind = 'purchase' group by 1) e
      on e.purchase_session_id = p.session_id
    where p.credits_granted > 0 and coalesce(e.entries, 0) <> 1
  ),
  problems as (
    select problem from row_problems
    union all select problem from user_problems
    union all select problem from purchase_problems
    union all select problem from purchase_settlement_problems() problem
    union all select problem from lot_problems() problem
  )
  select jsonb_build_object(
    'usersChecked', (select count(*) from users),
    'entriesChecked', (select count(*) from credit_ledger),
    'problemCount', (select count(*) from problems),
    'problems', coalesce((select jsonb_agg(problem) from (select problem from problems limit 100) limited), '[]'::jsonb)
  )
$$;
