import { useQuery } from '@apollo/client/react';
import { Fragment, useId, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Field } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { PagedTableCard } from '../../components/PagedTableCard.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatDateTime, startOfLocalDay } from '../../format/formatDate.ts';
import type { StripeEventFilter, StripeEventOutcome, StripeEventsQuery } from '../../generated/graphql.ts';
import { StripeEventPayloadDocument, StripeEventsDocument } from '../../generated/graphql.ts';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.ts';
import { useLocation } from '../../router/router.tsx';
import { UserLink } from '../users/UserLink.tsx';
import { duplicatesChoice, isOutcomeName, outcomeLabels, outcomeNames, outcomeTones } from './stripeEventOutcomes.ts';

export const stripeEventsPageSize = 50;

type StripeEventNode = StripeEventsQuery['stripeEvents']['edges'][number]['node'];

interface FilterValues {
  /** An outcome's name, `duplicatesChoice`, or '' for all. */
  outcome: string;
  type: string;
  sessionId: string;
  userId: string;
  /** `yyyy-mm-dd` of date inputs, or ''. */
  from: string;
  to: string;
}

const emptyFilter: FilterValues = { outcome: '', type: '', sessionId: '', userId: '', from: '', to: '' };

/** The API's filter for the form: typed fields trimmed, the `to` day included (the API's `to` is exclusive). */
function toStripeEventFilter(values: FilterValues): StripeEventFilter {
  const from = startOfLocalDay(values.from);
  const to = startOfLocalDay(values.to, 1);
  return {
    ...(isOutcomeName(values.outcome) ? { outcomes: [values.outcome] } : {}),
    ...(values.outcome === duplicatesChoice ? { duplicatesOnly: true } : {}),
    ...(values.type.trim() ? { type: values.type.trim() } : {}),
    ...(values.sessionId.trim() ? { sessionId: values.sessionId.trim() } : {}),
    ...(values.userId.trim() ? { userId: values.userId.trim() } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/**
 * Admin: every Stripe event Topup received and what became of it (processed, ignored, refused,
 * flagged, failed; delivered more than once), filtered by outcome, type, purchase, user and date.
 * An event's JSON is fetched only when its row is opened.
 */
export default function AdminStripeEventsPage() {
  const id = useId();
  const location = useLocation();
  const [values, setValues] = useState<FilterValues>(() => ({ ...emptyFilter, userId: location.search.get('user') ?? '', sessionId: location.search.get('session') ?? '' }));
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const typed = useDebouncedValue(values, 300);
  const query = useQuery(StripeEventsDocument, { ...pagedListQueryOptions, variables: { filter: toStripeEventFilter(typed), first: stripeEventsPageSize } });
  const filtered = Object.values(values).some((value) => value !== '');
  const set = (field: keyof FilterValues) => (event: { target: { value: string } }) => setValues({ ...values, [field]: event.target.value });
  const toggle = (eventId: string) =>
    setOpened((current) => {
      const next = new Set(current);
      if (next.has(eventId)) next.delete(eventId);
      else next.add(eventId);
      return next;
    });

  return (
    <>
      <PageHeading title="Stripe events" />
      <form className="filters" aria-label="Filter Stripe events" onSubmit={(event) => event.preventDefault()}>
        <Field id={`${id}-outcome`} label="Outcome">
          <select id={`${id}-outcome`} value={values.outcome} onChange={set('outcome')}>
            <option value="">All outcomes</option>
            {outcomeNames.map((name) => (
              <option key={name} value={name}>
                {outcomeLabels[name]}
              </option>
            ))}
            <option value={duplicatesChoice}>Delivered more than once</option>
          </select>
        </Field>
        <Field id={`${id}-type`} label="Event type">
          <input id={`${id}-type`} value={values.type} onChange={set('type')} placeholder="charge.dispute" autoComplete="off" spellCheck={false} />
        </Field>
        <Field id={`${id}-session`} label="Checkout session">
          <input id={`${id}-session`} value={values.sessionId} onChange={set('sessionId')} placeholder="cs_…" autoComplete="off" spellCheck={false} />
        </Field>
        <Field id={`${id}-user`} label="User id">
          <input id={`${id}-user`} value={values.userId} onChange={set('userId')} autoComplete="off" spellCheck={false} />
        </Field>
        <Field id={`${id}-from`} label="From">
          <input id={`${id}-from`} type="date" value={values.from} onChange={set('from')} />
        </Field>
        <Field id={`${id}-to`} label="To">
          <input id={`${id}-to`} type="date" value={values.to} min={values.from || undefined} onChange={set('to')} />
        </Field>
        {filtered && (
          <button type="button" className="button button--quiet" onClick={() => setValues(emptyFilter)}>
            Clear filters
          </button>
        )}
      </form>
      <PagedTableCard
        title="Events"
        query={query}
        connection={(query.data ?? query.previousData)?.stripeEvents}
        noun={{ one: 'event', other: 'events' }}
        empty={filtered ? { title: 'No events match these filters', text: 'Try another outcome, a shorter type prefix, or a wider date range.' } : { title: 'No Stripe events yet', text: 'Events Stripe sends to the webhook appear here.' }}
        caption="Stripe events, newest first"
        columns={[{ label: 'Received' }, { label: 'Type' }, { label: 'Outcome' }, { label: 'Purchase' }, { label: 'Deliveries', numeric: true }, { label: 'JSON', hidden: true }]}
      >
        {(events) =>
          events.map((event) => (
            <Fragment key={event.id}>
              <EventRow event={event} open={opened.has(event.id)} onToggle={() => toggle(event.id)} />
              {opened.has(event.id) && (
                <tr className="event-payload-row">
                  <td colSpan={6}>
                    <EventPayload eventId={event.id} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))
        }
      </PagedTableCard>
    </>
  );
}

function EventRow({ event, open, onToggle }: { event: StripeEventNode; open: boolean; onToggle: () => void }) {
  const outcome: StripeEventOutcome | null = event.outcome ?? null;
  return (
    <tr data-testid="stripe-event-row">
      <td data-label="Received">
        <span>
          <time dateTime={event.receivedAt}>{formatDateTime(event.receivedAt)}</time>
          <span className="id small muted block event-id" title={event.id}>
            {event.id}
          </span>
        </span>
      </td>
      <td data-label="Type" className="event-type-cell">
        <code>{event.type}</code>
      </td>
      <td data-label="Outcome">
        {outcome ? <span className={`badge badge--${outcomeTones[outcome]}`}>{outcomeLabels[outcome]}</span> : <span className="badge">Recording</span>}
        {event.description && <span className="small muted block">{event.description}</span>}
        {event.error && <span className="small block">{`Error: ${event.error}`}</span>}
      </td>
      <td data-label="Purchase">
        {event.purchase ? <span className="id small block event-session-id" title={event.purchase.sessionId}>
            {event.purchase.sessionId}
          </span> : <span className="muted">—</span>}
        {event.userId && <UserLink userId={event.userId} />}
      </td>
      <td data-label="Deliveries" className="numeric">
        {event.deliveries}
      </td>
      <td data-label="JSON">
        {event.hasPayload ? (
          <button type="button" className="button button--small" aria-expanded={open} onClick={onToggle}>
            {open ? 'Hide JSON' : 'Show JSON'}
            <span className="visually-hidden">{` of ${event.id}`}</span>
          </button>
        ) : event.payloadRemovedAt ? (
          <span className="small muted" data-testid="payload-removed">
            {payloadRemovedText(event.payloadRemovedAt, event.processedAt)}
          </span>
        ) : (
          <span className="small muted">Not stored</span>
        )}
      </td>
    </tr>
  );
}

/**
 * Why an event has no JSON any more: retention removed it (RETENTION_DAYS after processing; the
 * days shown are counted from processing to the run that removed it, so at least RETENTION_DAYS).
 */
function payloadRemovedText(removedAt: string, processedAt: string | null): string {
  const removed = `Removed ${formatDateTime(removedAt)}`;
  if (processedAt === null) return `${removed} (retention)`;
  const days = Math.floor((Date.parse(removedAt) - Date.parse(processedAt)) / 86_400_000);
  return `${removed}, ${days} ${days === 1 ? 'day' : 'days'} after processing (retention)`;
}

/** One event's JSON, asked for when its row is opened (the list never carries payloads). */
function EventPayload({ eventId }: { eventId: string }) {
  const { data, error, refetch } = useQuery(StripeEventPayloadDocument, { variables: { id: eventId } });
  if (error) return <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  if (!data) return <p aria-busy="true">Loading the event's JSON…</p>;
  const payload = data.stripeEvent?.payload;
  if (!payload) return <p className="muted">This event's JSON is not stored.</p>;
  return (
    <pre className="event-payload" tabIndex={0} aria-label={`JSON of ${eventId}`} data-testid="event-payload">
      {payload}
    </pre>
  );
}
