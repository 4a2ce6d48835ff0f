import type { SqlExecutor } from '../../server/db/sqlDatabase.ts';
import type { AppReceiver } from './appReceiver.ts';

export interface WebhookReport {
  /** Events up to the horizon (the last event when every delivery had settled). */
  events: number;
  /** Events after it (the driver's own final sweep, with no instance left to deliver them). */
  eventsAfterHorizon: number;
  deliveredToFlaky: number;
  /** Acknowledged more than once by the flaky endpoint (at least once: a killed instance, a lost record). */
  redeliveredToFlaky: number;
  /** Acknowledged, but the outbox still has it pending: the answer was lost (a killed instance, an answer after the timeout); retried later. */
  lateAnswers: number;
  deliveredToGone: number;
  /** Deliveries waiting at the gone endpoint after it was disabled, and events it never got a delivery for. */
  waitingAtGone: number;
  goneDisabled: boolean;
  attempts: { flaky: number; flakyFailed: number; flakyTimedOut: number; gone: number; goneRefused: number };
  /** Up to 20 differences. */
  problems: string[];
  ok: boolean;
}

/**
 * Waits until every delivery of an enabled endpoint has settled (the instances still running): it
 * succeeded, or its endpoint acknowledged it already and only the instance missed the answer (it
 * came after the attempt's timeout on a loaded machine: the delivery is retried later, at least
 * once). Then returns the last event's id: every event up to it must have been delivered. Gives up
 * at `deadline`, with up to 10 of the deliveries still open.
 */
export async function waitForWebhookDrain(
  database: SqlExecutor,
  options: { receiver: AppReceiver; goneEndpointId: string; deadline: number },
): Promise<{ horizon: number; drained: boolean; stuck: string[] }> {
  for (;;) {
    const [{ horizon }] = (await database.query<{ horizon: string | null }>('select max(id) as horizon from webhook_events')) as [{ horizon: string | null }];
    const pending = await database.query<Record<string, unknown> & { endpoint_id: string; webhook_id: string }>(
      `select d.id, d.endpoint_id, v.webhook_id, v.type, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at, d.claimed_until
       from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id join webhook_events v on v.id = d.event_id
       where d.status = 'pending' and e.enabled order by d.id`,
    );
    const open = pending.filter((delivery) =>
      !(delivery.endpoint_id === options.goneEndpointId ? options.receiver.gone : options.receiver.flaky).acknowledged.has(delivery.webhook_id));
    if (open.length === 0) return { horizon: Number(horizon ?? 0), drained: true, stuck: [] };
    if (Date.now() > options.deadline) return { horizon: Number(horizon ?? 0), drained: false, stuck: open.slice(0, 10).map((delivery) => JSON.stringify(delivery)) };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Compares the outbox with the ledger and with what the app's receiver acknowledged:
 * - every credit movement has exactly one credits.* event naming it (entry, user, delta, kind), and
 *   every credits.* event names a movement that happened; purchase.* events name a purchase of that
 *   user; balance.* events name an entry or a hold of that user: no event for a movement that did not happen;
 * - every event up to the horizon was acknowledged by the flaky (default) endpoint, with the body the
 *   outbox holds, and its delivery recorded succeeded (or pending for a retry when the answer came
 *   after the instance's timeout: at least once);
 * - the gone endpoint is disabled ('gone') once it answered 410, and each event either reached it
 *   before that or waits (or never got a delivery); before it, everything was acknowledged;
 * - every acknowledged webhook-id is an event of the outbox, and every signature verified.
 */
export async function verifyWebhooks(database: SqlExecutor, options: { receiver: AppReceiver; horizon: number; goneEndpointId: string }): Promise<WebhookReport> {
  const { receiver, horizon } = options;
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 20) problems.push(text);
  };
  const [integrity] = await database.query<Record<string, string>>(
    `select
       (select count(*) from webhook_events v
          left join credit_ledger l on l.id = (v.payload->'data'->>'entryId')::bigint and l.user_id = v.user_id
            and l.delta = (v.payload->'data'->>'delta')::bigint and l.kind = v.payload->'data'->>'kind'
        where v.type like 'credits.%' and l.id is null) as phantom_movements,
       (select count(*) from credit_ledger l where not exists (
          select 1 from webhook_events v where v.type like 'credits.%' and v.payload->'data'->>'entryId' = l.id::text)) as unannounced_movements,
       (select count(*) from (select v.payload->'data'->>'entryId' from webhook_events v where v.type like 'credits.%'
          group by 1 having count(*) > 1) d) as twice_announced_movements,
       (select count(*) from webhook_events v left join credit_purchases p
          on p.session_id = v.payload->'data'->>'sessionId' and p.user_id = v.user_id
        where v.type like 'purchase.%' and p.session_id is null) as phantom_purchases,
       (select count(*) from webhook_events v
        where v.type like 'balance.%' and (
          (v.payload->'data' ? 'entryId' and not exists (select 1 from credit_ledger l where l.id = (v.payload->'data'->>'entryId')::bigint and l.user_id = v.user_id))
          or (v.payload->'data' ? 'holdId' and not exists (select 1 from credit_holds h where h.id = (v.payload->'data'->>'holdId')::bigint and h.user_id = v.user_id))
          or not (v.payload->'data' ? 'entryId' or v.payload->'data' ? 'holdId'))) as phantom_alerts,
       (select count(*) from webhook_events where id > $1) as after_horizon`,
    [horizon],
  );
  for (const [name, count] of Object.entries(integrity!)) {
    if (name !== 'after_horizon' && Number(count) !== 0) problem(`${count} ${name.replaceAll('_', ' ')}`);
  }
  const events = await database.query<{ webhook_id: string; type: string; body: string; flaky: string | null; gone: string | null }>(
    `select v.webhook_id, v.type, v.payload::text as body,
            (select d.status from webhook_deliveries d where d.event_id = v.id and d.endpoint_id = 'default' and d.replay_of is null) as flaky,
            (select d.status from webhook_deliveries d where d.event_id = v.id and d.endpoint_id = $2 and d.replay_of is null) as gone
     from webhook_events v where v.id <= $1 order by v.id`,
    [horizon, options.goneEndpointId],
  );
  const [goneEndpoint] = await database.query<{ enabled: boolean; disabled_reason: string | null }>('select enabled, disabled_reason from webhook_endpoints where id = $1', [options.goneEndpointId]);
  const goneDisabled = goneEndpoint?.enabled === false && goneEndpoint.disabled_reason === 'gone';
  if (receiver.goneSince !== null && !goneDisabled) problem('the gone endpoint answered 410 but is not disabled (gone)');
  if (receiver.goneSince === null && goneDisabled) problem('the gone endpoint is disabled though it never answered 410');
  let deliveredToGone = 0;
  let lateAnswers = 0;
  let waitingAtGone = 0;
  for (const event of events) {
    const acknowledged = receiver.flaky.acknowledged.get(event.webhook_id);
    if (!acknowledged) problem(`event ${event.webhook_id} (${event.type}) never acknowledged by the default endpoint (delivery ${event.flaky})`);
    else if (JSON.stringify(JSON.parse(acknowledged.body)) !== JSON.stringify(JSON.parse(event.body))) problem(`event ${event.webhook_id}: the body acknowledged is not the outbox's`);
    if (event.flaky === 'pending' && acknowledged) lateAnswers += 1;
    else if (event.flaky !== 'succeeded') problem(`event ${event.webhook_id}: its default delivery is ${event.flaky}`);
    if (event.gone === 'succeeded') {
      deliveredToGone += 1;
      if (!receiver.gone.acknowledged.has(event.webhook_id)) problem(`event ${event.webhook_id}: recorded delivered to the gone endpoint, which never acknowledged it`);
    } else if (goneDisabled || (event.gone === 'pending' && receiver.gone.acknowledged.has(event.webhook_id))) {
      waitingAtGone += 1;
    } else {
      problem(`event ${event.webhook_id}: not delivered to the gone endpoint (${event.gone}) while it is enabled`);
    }
  }
  const known = new Set((await database.query<{ webhook_id: string }>('select webhook_id from webhook_events')).map((row) => row.webhook_id));
  for (const log of [receiver.flaky, receiver.gone]) {
    for (const id of log.acknowledged.keys()) if (!known.has(id)) problem(`acknowledged ${id}, which is no event of the outbox`);
  }
  if (receiver.flaky.badSignatures + receiver.gone.badSignatures > 0) problem(`${receiver.flaky.badSignatures + receiver.gone.badSignatures} requests with a bad signature`);
  const redeliveredToFlaky = [...receiver.flaky.acknowledged.values()].filter((entry) => entry.times > 1).length;
  return {
    events: events.length,
    eventsAfterHorizon: Number(integrity!.after_horizon),
    deliveredToFlaky: receiver.flaky.acknowledged.size,
    redeliveredToFlaky,
    lateAnswers,
    deliveredToGone,
    waitingAtGone,
    goneDisabled,
    attempts: {
      flaky: receiver.flaky.requests,
      flakyFailed: receiver.flaky.failed,
      flakyTimedOut: receiver.flaky.timedOut,
      gone: receiver.gone.requests,
      goneRefused: receiver.gone.failed,
    },
    problems,
    ok: problems.length === 0,
  };
}
