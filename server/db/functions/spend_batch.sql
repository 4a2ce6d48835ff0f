-- Batch spends (spendCreditsBatch): up to 1,000 spends in one call, set-based. Each item has the
-- semantics of its own spend_credits (functions/ledger.sql): checked in the same order and refused
-- with the same SQLSTATE and words, idempotent on its own key and input hash, in input order, never
-- overdrawing a user however many times the batch names them. No item needs a subtransaction: every
-- refusal is found before anything is written. The steps:
--   1. lock_batch_users: lock each distinct user once, in id order (two batches never wait on each
--      other in a cycle; a single movement locks one user), and expire their due lots;
--   2. decide_batch_spends: one query reads every item with its user, active holds and keyed row,
--      and one pass per user in input order decides each item against a running balance;
--   3. write_batch_spends: one statement inserts the ledger rows in input order, sets the balances,
--      draws from lots in consumption order and answers; the ledger's statement trigger
--      (functions/webhooks.sql) writes every movement's outbox events in the same transaction.

-- The items of p_batch->'items' in input order, with the refusal (TU400) each earns before any row
-- is read: spend_credits' and apply_credit_movement's input checks, in their order and words.
create or replace function spend_batch_items(p_batch jsonb, p_actor text)
returns table (ord bigint, user_id text, amount bigint, reason text, idempotency_key text, request_hash text, error_message text)
language sql stable rows 1000 as $$
  select i.ord, i.item->>'userId', a.amount, i.item->>'reason', i.item->>'idempotencyKey',
    -- credit_movement_hash(user, -amount, 'spend', reason, actor, 'service', null, null), written out:
    -- that function is not inlined (immutable over stable parts), and a call per item costs more than
    -- the hash. spend_batch.test.sql proves both give the same hash (a batch replays spend_credits' key).
    encode(sha256(convert_to(jsonb_build_array(i.item->>'userId', -a.amount, 'spend', i.item->>'reason', p_actor,
      'service', null::text, null::text)::text, 'UTF8')), 'hex'),
    case
      when a.amount is null or a.amount <= 0 then 'amount to spend must be a positive integer'
      when i.item->>'idempotencyKey' is null then 'spending requires an idempotency key'
      when a.amount > safe_integer_max() then 'credits must be a non-zero integer within the safe range'
      when p_actor is null or length(p_actor) not between 1 and 200 then 'actor must be 1 to 200 characters'
      when length(i.item->>'reason') > 500 then 'reason must be at most 500 characters'
      when length(i.item->>'idempotencyKey') not between 1 and 255 then 'idempotency key must be 1 to 255 characters'
    end
  from jsonb_array_elements(p_batch->'items') with ordinality as i(item, ord)
  -- A fraction, an exponent or a non-number is not an amount: refused like a non-positive one.
  cross join lateral (select case when i.item->>'amount' ~ '^-?[0-9]{1,18}$' then (i.item->>'amount')::bigint end as amount) a
$$;

-- Locks the rows of every user p_batch names, each once and in id order, and expires their lots due
-- at p_now (EXPIRY entries): what lock_user_balance does for one movement, for all of them.
create or replace function lock_batch_users(p_batch jsonb, p_now timestamptz) returns void
language plpgsql as $$
declare
  v_user_ids text[];
  v_user users;
begin
  -- ORDER BY before FOR UPDATE: rows are locked in the sorted order.
  select array_agg(u.id) into v_user_ids from (
    select u.id from users u
    where u.id in (select i.item->>'userId' from jsonb_array_elements(p_batch->'items') as i(item))
    order by u.id for update
  ) u;
  for v_user in
    select u.* from users u
    where u.id = any (v_user_ids)
      and exists (select 1 from credit_lots l where l.user_id = u.id and l.remaining > 0 and l.expires_at <= p_now)
  loop
    perform expire_due_lots(v_user.id, v_user.credits, p_now);
  end loop;
end
$$;

-- Each item of p_batch with what deciding it needs, read under the users' locks: its user's balance
-- (found_id null: no such user) and active holds at p_now, the row its key already wrote (if any),
-- and whether another item of the batch has the same user and key. Ordered by user, then input.
create or replace function batch_spend_inputs(p_batch jsonb, p_actor text, p_now timestamptz)
returns table (ord bigint, user_id text, amount bigint, reason text, idempotency_key text, request_hash text,
  error_message text, found_id text, credits bigint, held bigint, existing_id bigint, existing_hash text,
  existing_entry jsonb, repeated boolean)
language sql stable rows 1000 as $$
  with items as materialized (select * from spend_batch_items(p_batch, p_actor)),
  held as (
    select h.user_id, sum(h.amount)::bigint as held from credit_holds h
    where h.user_id in (select i.user_id from items i) and h.status = 'active' and h.expires_at > p_now
    group by h.user_id
  )
  select i.*, u.id, u.credits, coalesce(held.held, 0), e.id, e.request_hash,
    case when e.id is not null then ledger_entry_json(e) end,
    count(*) over (partition by i.user_id, i.idempotency_key) > 1
  from items i
  -- Lateral lookups kept apart by LIMIT (never flattened into a join that scans a whole key scope
  -- or table): one index probe per item, whatever the size of users and of the ledger.
  left join lateral (select u.id, u.credits from users u where u.id = i.user_id limit 1) u on true
  left join held on held.user_id = i.user_id
  left join lateral (
    select e.* from credit_ledger e
    where i.error_message is null and e.idempotency_scope = client_idempotency_scope(p_actor)
      and e.user_id = i.user_id and e.idempotency_key = i.idempotency_key
    limit 1
  ) e on true
  order by i.user_id, i.ord
$$;

-- Every item of p_batch with its outcome, under the users' locks: a replay's original entry
-- (entry), a new spend's balance_after (takes_written_entry: its answer is the row
-- write_batch_spends inserts), a repeat of a key an earlier item spent (takes_written_entry, or
-- TU409 when its input differs), or a refusal (sql_state, message). Per user, in input order, the
-- available credits (balance less active holds, never below zero) shrink by each spend made.
create or replace function decide_batch_spends(p_batch jsonb, p_actor text, p_now timestamptz)
returns table (ord bigint, user_id text, amount bigint, reason text, idempotency_key text, request_hash text,
  balance_after bigint, entry jsonb, takes_written_entry boolean, sql_state text, message text)
language plpgsql rows 1000 as $$
#variable_conflict use_column
declare
  r record;
  v_first boolean := true;
  v_balance bigint;
  v_held bigint;
  v_spent_keys text[];
  v_spent_hashes text[];
  v_at integer;
begin
  for r in
    select * from batch_spend_inputs(p_batch, p_actor, p_now)
  loop
    if v_first or r.user_id is distinct from user_id then
      v_first := false;
      v_balance := r.credits;
      v_held := r.held;
      v_spent_keys := '{}';
      v_spent_hashes := '{}';
    end if;
    ord := r.ord; user_id := r.user_id; amount := r.amount; reason := r.reason; idempotency_key := r.idempotency_key;
    request_hash := r.request_hash; balance_after := null; entry := null; takes_written_entry := false; sql_state := null; message := null;
    v_at := case when r.repeated then array_position(v_spent_keys, r.idempotency_key) end;
    if r.error_message is not null then
      sql_state := 'TU400'; message := r.error_message;
    elsif r.existing_id is not null and r.existing_hash is distinct from r.request_hash then
      sql_state := 'TU409'; message := format('idempotency key %s was already used with a different input', r.idempotency_key);
    elsif r.existing_id is not null then
      entry := r.existing_entry;
    elsif r.found_id is null then
      sql_state := 'TU404'; message := format('user %s not found', r.user_id);
    elsif v_at is not null and v_spent_hashes[v_at] is distinct from r.request_hash then
      sql_state := 'TU409'; message := format('idempotency key %s was already used with a different input', r.idempotency_key);
    elsif v_at is not null then
      takes_written_entry := true;
    elsif abs(v_balance - r.amount) > safe_integer_max() then
      sql_state := 'TU400'; message := 'the balance would leave the safe integer range';
    elsif greatest(0, v_balance - v_held) < r.amount then
      sql_state := 'TU402';
      message := format('insufficient credits: %s available, %s requested', greatest(0, v_balance - v_held), r.amount);
    else
      v_balance := v_balance - r.amount;
      balance_after := v_balance;
      takes_written_entry := true;
      if r.repeated then
        v_spent_keys := v_spent_keys || r.idempotency_key;
        v_spent_hashes := v_spent_hashes || r.request_hash;
      end if;
    end if;
    return next;
  end loop;
end
$$;

-- Writes what decide_batch_spends decided, in one statement: the 'spend' rows in input order (so
-- entry ids follow it), each user's last balance, and the lot draws: each user's live lots laid end
-- to end in consumption order (soonest expiry first, never-expiring last, then promotion before
-- purchase, then oldest) against the user's spends laid end to end in entry order, a draw wherever a
-- spend's span overlaps a lot's. Returns the answers in input order: {idempotencyKey, entry} or
-- {idempotencyKey, error: {sqlState, message}}.
create or replace function write_batch_spends(p_batch jsonb, p_actor text, p_now timestamptz) returns jsonb
language sql volatile as $$
  with decided as materialized (select * from decide_batch_spends(p_batch, p_actor, p_now)),
  written as (
    insert into credit_ledger (
      user_id, delta, balance_after, kind, reason, actor, idempotency_key, idempotency_scope, request_hash, source_type, created_at
    )
    select d.user_id, -d.amount, d.balance_after, 'spend', d.reason, p_actor, d.idempotency_key,
      client_idempotency_scope(p_actor), d.request_hash, 'service', p_now
    from decided d where d.balance_after is not null order by d.ord
    returning id, user_id, delta, idempotency_key, balance_after, ledger_entry_json(credit_ledger) as entry
  ),
  balances as (
    update users u set credits = b.balance_after, last_credit_update = p_now
    from (select distinct on (w.user_id) w.user_id, w.balance_after from written w order by w.user_id, w.id desc) b
    where u.id = b.user_id
  ),
  spans as (
    select w.id, w.user_id, sum(-w.delta) over (partition by w.user_id order by w.id) as spent_to, -w.delta as credits from written w
  ),
  lots as (
    select l.id, l.user_id, l.remaining,
      sum(l.remaining) over (partition by l.user_id order by l.expires_at nulls last, l.kind, l.id) as filled_to
    from credit_lots l
    where l.user_id in (select w.user_id from written w) and l.remaining > 0 and (l.expires_at is null or l.expires_at > p_now)
  ),
  draws as (
    select s.id as entry_id, l.id as lot_id,
      least(s.spent_to, l.filled_to) - greatest(s.spent_to - s.credits, l.filled_to - l.remaining) as credits
    from spans s join lots l on l.user_id = s.user_id
      and l.filled_to - l.remaining < s.spent_to and s.spent_to - s.credits < l.filled_to
  ),
  recorded as (insert into credit_lot_draws (entry_id, lot_id, credits) select entry_id, lot_id, credits from draws),
  taken as (
    update credit_lots l set remaining = l.remaining - t.credits
    from (select lot_id, sum(credits) as credits from draws group by lot_id) t where l.id = t.lot_id
  )
  select coalesce(jsonb_agg(case
      when d.sql_state is not null then jsonb_build_object('idempotencyKey', d.idempotency_key,
        'error', jsonb_build_object('sqlState', d.sql_state, 'message', d.message))
      else jsonb_build_object('idempotencyKey', d.idempotency_key, 'entry', coalesce(d.entry, w.entry))
    end order by d.ord), '[]'::jsonb)
  from decided d
  left join written w on d.takes_written_entry and w.user_id = d.user_id and w.idempotency_key = d.idempotency_key
$$;

-- Many spends in one call ({items: [...]}, at most 1000; TU400 for the whole batch otherwise), each
-- as its own spend_credits would be: an item refused (TU400, TU402, TU404, TU409) is answered with its
-- SQLSTATE and message and the others go on. Returns
-- [{idempotencyKey, entry} | {idempotencyKey, error: {sqlState, message}}] in input order.
create or replace function spend_credits_batch(p_batch jsonb, p_actor text) returns jsonb
language plpgsql as $$
declare
  v_now timestamptz;
begin
  if jsonb_typeof(p_batch->'items') is distinct from 'array' or jsonb_array_length(p_batch->'items') > 1000 then
    raise exception using errcode = 'TU400', message = 'a batch is an array of at most 1000 items';
  end if;
  v_now := ledger_now();
  perform lock_batch_users(p_batch, v_now);
  return write_batch_spends(p_batch, p_actor, v_now);
end
$$;
