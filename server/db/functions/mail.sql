-- The mail outbox (docs/mail.md; the table is schema/0020_mail_outbox.sql). An AFTER INSERT trigger
-- on webhook_events writes the mail an event owes the user in the event's own transaction, so a
-- mail is never sent for a movement that rolled back and never missing for one that committed.
-- The workers (server/mail/createMailWorker.ts) claim due mail with FOR UPDATE SKIP LOCKED and
-- record each attempt here; times come from the caller (p_now), whose clock tests move.

-- The template an event mails, or null: a purchase's grant (its receipt), a failed delayed
-- payment, a low balance, an auto top-up that failed or needs the user.
create or replace function mail_template_of_event(p_type text, p_data jsonb) returns text
language sql immutable parallel safe as $$
  select case
    when p_type = 'credits.granted' and p_data->>'kind' = 'purchase' and p_data ? 'sessionId' then 'purchase_receipt'
    when p_type = 'purchase.failed' then 'purchase_failed'
    when p_type = 'balance.low' then 'balance_low'
    when p_type = 'auto_top_up.failed' then 'auto_top_up_failed'
    when p_type = 'auto_top_up.requires_action' then 'auto_top_up_requires_action'
  end
$$;

-- What the template shows. A receipt reads the purchase the grant belongs to (credits, amount and
-- currency as recorded at checkout); the other templates show the event's data as it is.
create or replace function mail_data_of_event(p_template text, p_data jsonb) returns jsonb
language plpgsql stable as $$
begin
  if p_template = 'purchase_receipt' then
    return (select jsonb_build_object(
        'sessionId', p.session_id, 'credits', p.credits, 'amountMinor', p.amount_minor, 'currency', p.currency,
        'balanceAfter', p_data->'balanceAfter', 'paidAt', iso_time(coalesce(p.paid_at, clock_timestamp())))
      from credit_purchases p where p.session_id = p_data->>'sessionId');
  end if;
  return p_data;
end
$$;

-- AFTER INSERT on webhook_events (of the types that mail): one mail row per event and template,
-- and one per purchase and template (dedupe_key). A user without a known email gets a row marked
-- skipped, so what was not sent is on record.
create or replace function enqueue_mail_for_event() returns trigger
language plpgsql as $$
declare
  v_template text := mail_template_of_event(new.type, new.payload->'data');
  v_data jsonb;
  v_recipient text;
begin
  if v_template is null then
    return null;
  end if;
  v_data := mail_data_of_event(v_template, new.payload->'data');
  if v_data is null then
    return null;
  end if;
  select u.email into v_recipient from users u where u.id = new.user_id and u.deleted_at is null;
  insert into mail_outbox (event_id, template, user_id, recipient, data, dedupe_key, status, last_error)
  values (new.id, v_template, new.user_id, v_recipient, v_data,
    case when v_template in ('purchase_receipt', 'purchase_failed') and v_data ? 'sessionId'
      then 'session:' || (v_data->>'sessionId') else 'event:' || new.id end,
    case when v_recipient is null then 'skipped' else 'pending' end,
    case when v_recipient is null then 'the user has no known email address' end)
  on conflict do nothing;
  return null;
end
$$;

create or replace trigger webhook_events_mail
after insert on webhook_events
for each row
when (new.type in ('credits.granted', 'purchase.failed', 'balance.low', 'auto_top_up.failed', 'auto_top_up.requires_action'))
execute function enqueue_mail_for_event();

-- Claims up to p_limit due mails for p_claim_seconds. A claim that was not recorded in time (its
-- worker died) expires and the mail is claimable again. The caller's clock counts milliseconds, the
-- database's microseconds: a mail stamped within the caller's millisecond is due (without the
-- margin, a claim right after the insert found nothing: seen on PostgreSQL once a call took one
-- round trip).
create or replace function claim_mail(p_now timestamptz, p_limit integer, p_claim_seconds integer, p_claim_token text)
returns jsonb
language sql as $$
  with due as (
    select m.id from mail_outbox m
    where m.status = 'pending' and m.next_attempt_at < p_now + interval '1 millisecond'
      and (m.claimed_until is null or m.claimed_until <= p_now)
    order by m.next_attempt_at, m.id
    limit p_limit
    for update skip locked
  ), claimed as (
    update mail_outbox m
    set claimed_until = p_now + make_interval(secs => p_claim_seconds), claim_token = p_claim_token
    from due where m.id = due.id
    returning m.*
  )
  select coalesce(jsonb_agg(jsonb_build_object(
    'id', c.id::text, 'template', c.template, 'userId', c.user_id, 'recipient', c.recipient, 'data', c.data,
    'attempts', c.attempts, 'createdAt', iso_time(c.created_at)) order by c.id), '[]'::jsonb)
  from claimed c
$$;

create or replace function mail_json(m mail_outbox) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', m.id::text, 'eventId', m.event_id::text, 'template', m.template, 'userId', m.user_id, 'recipient', m.recipient,
    'data', m.data, 'status', m.status, 'attempts', m.attempts, 'lastError', m.last_error,
    'nextAttemptAt', case when m.status = 'pending' then iso_time(m.next_attempt_at) end,
    'sentAt', iso_time(m.sent_at), 'createdAt', iso_time(m.created_at))
$$;

-- Records one attempt of a claimed mail: sent, or due again at p_next_attempt_at, or failed when
-- that is null (the retries ran out). A claim that expired and was taken by another worker is not
-- recorded (returns null).
create or replace function record_mail_attempt(
  p_mail_id bigint, p_claim_token text, p_now timestamptz, p_succeeded boolean, p_error text, p_next_attempt_at timestamptz
) returns jsonb
language sql as $$
  update mail_outbox
  set attempts = attempts + 1, last_error = left(p_error, 500), claimed_until = null, claim_token = null,
    status = case when p_succeeded then 'sent' when p_next_attempt_at is null then 'failed' else 'pending' end,
    sent_at = case when p_succeeded then p_now end,
    next_attempt_at = coalesce(p_next_attempt_at, next_attempt_at)
  where id = p_mail_id and claim_token = p_claim_token
  returning mail_json(mail_outbox)
$$;
