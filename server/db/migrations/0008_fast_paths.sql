-- Fast paths found by `npm run bench` (numbers in bench/proposals/README.md): same results, less work.

-- 1. iso_time is declared immutable around to_char, which is only stable, so PostgreSQL refuses to
--    inline it and every call (three per purchase_json, two per user_json) goes through the
--    SQL-function executor. Stable is its true volatility, and lets it inline into its callers.
create or replace function iso_time(value timestamptz) returns text
language sql stable parallel safe as $$
  select to_char(value at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- 2. A `language sql` function that cannot be inlined (a FROM clause, or a sub-select) is parsed and
--    planned again for every call before PostgreSQL 18; PL/pgSQL keeps its plans for the session.
--    These are on the hot paths: find_user on every `me`, the three event functions on every
--    webhook, find_purchase(s) on topUp and ledger pages. Same bodies, same results.
create or replace function find_user(p_user_id text) returns jsonb
language plpgsql stable as $$
declare
  v_result jsonb;
begin
  select user_json(u) into v_result from users u where u.id = p_user_id;
  return v_result;
end
$$;

create or replace function find_purchase(p_session_id text) returns jsonb
language plpgsql stable as $$
declare
  v_result jsonb;
begin
  select purchase_json(p) into v_result from credit_purchases p where p.session_id = p_session_id;
  return v_result;
end
$$;

create or replace function find_purchases(p_session_ids text[]) returns jsonb
language plpgsql stable as $$
declare
  v_result jsonb;
begin
  select coalesce(jsonb_agg(purchase_json(p)), '[]'::jsonb) into v_result
  from credit_purchases p where p.session_id = any(p_session_ids);
  return v_result;
end
$$;

create or replace function stripe_event_processed(p_id text) returns boolean
language plpgsql stable as $$
begin
  return exists (select 1 from stripe_events where id = p_id and processed_at is not null);
end
$$;

create or replace function complete_stripe_event(p_id text, p_type text, p_created bigint, p_livemode boolean, p_outcome text)
returns void
language plpgsql as $$
begin
  insert into stripe_events (id, type, created_at_stripe, livemode, processed_at, outcome)
  values (p_id, p_type, to_timestamp(p_created), coalesce(p_livemode, false), now(), left(p_outcome, 500))
  on conflict (id) do update set
    deliveries = stripe_events.deliveries + 1,
    processed_at = coalesce(stripe_events.processed_at, excluded.processed_at),
    outcome = coalesce(stripe_events.outcome, excluded.outcome),
    last_error = null;
end
$$;

create or replace function count_stripe_event_delivery(p_id text) returns void
language plpgsql as $$
begin
  update stripe_events set deliveries = deliveries + 1 where id = p_id;
end
$$;

-- 3. verify_ledger counted each granted purchase's PURCHASE entries with a correlated subquery that
--    no index serves (credit_ledger has no index on purchase_session_id): quadratic in purchases.
--    Measured: 39.6 s for 16,292 granted purchases; `npm run ledger:verify` would take hours at a
--    few hundred thousand. One grouped pass over the ledger and a hash join: 0.13 s, same problems.
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
  )
  select jsonb_build_object(
    'usersChecked', (select count(*) from users),
    'entriesChecked', (select count(*) from credit_ledger),
    'problemCount', (select count(*) from problems),
    'problems', coalesce((select jsonb_agg(problem) from (select problem from problems limit 100) limited), '[]'::jsonb)
  )
$$;
