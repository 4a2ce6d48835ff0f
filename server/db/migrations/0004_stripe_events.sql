-- Every Stripe event received, with when it was processed and how it ended. Processing is idempotent
-- on its own (purchases and clawbacks are targets), so this table is the audit trail and the fast
-- path that skips events already processed, not the thing that prevents double grants.

create table stripe_events (
  id text primary key check (length(id) between 1 and 255),
  type text not null check (length(type) <= 100),
  created_at_stripe timestamptz not null,
  livemode boolean not null default false,
  received_at timestamptz not null default now(),
  deliveries integer not null default 1,
  processed_at timestamptz,
  outcome text check (outcome is null or length(outcome) <= 500),
  last_error text check (last_error is null or length(last_error) <= 1000)
);

create index stripe_events_unprocessed_index on stripe_events (received_at) where processed_at is null;

-- Records a delivery; returns {processed: true} when the event was already processed.
create function record_stripe_event(p_id text, p_type text, p_created bigint, p_livemode boolean default false)
returns jsonb
language plpgsql as $$
declare
  v_event stripe_events;
begin
  insert into stripe_events (id, type, created_at_stripe, livemode)
  values (p_id, p_type, to_timestamp(p_created), coalesce(p_livemode, false))
  on conflict (id) do update set deliveries = stripe_events.deliveries + 1
  returning * into v_event;
  return jsonb_build_object('id', v_event.id, 'deliveries', v_event.deliveries, 'processed', v_event.processed_at is not null);
end
$$;

create function finish_stripe_event(p_id text, p_outcome text, p_error text default null) returns jsonb
language sql as $$
  update stripe_events set
    processed_at = case when p_error is null then now() else processed_at end,
    outcome = left(p_outcome, 500),
    last_error = left(p_error, 1000)
  where id = p_id
  returning jsonb_build_object('id', id, 'outcome', outcome, 'processed', processed_at is not null)
$$;
