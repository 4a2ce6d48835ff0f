import { useQuery } from '@apollo/client/react';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadedCard } from '../../components/LoadedCard.tsx';
import { formatDateTime } from '../../format/formatDate.ts';
import { UserRecentStripeEventsDocument } from '../../generated/graphql.ts';
import { Link } from '../../router/router.tsx';
import { outcomeLabels, outcomeTones } from '../events/stripeEventOutcomes.ts';

export const recentActivityCount = 5;

/** Admin, a user's overview: the newest Stripe events of their purchases, each linking to the event log. */
export function UserRecentEvents({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(UserRecentStripeEventsDocument, { variables: { userId, first: recentActivityCount }, fetchPolicy: 'cache-and-network' });
  const eventsLink = `/admin/events?user=${encodeURIComponent(userId)}`;
  return (
    <LoadedCard title="Recent Stripe events" loaded={data?.stripeEvents} error={error} refetch={refetch}>
      {(connection) =>
        connection.edges.length === 0 ? (
          <EmptyState title="No Stripe events yet">
            <p>Events appear when this user's checkouts, refunds or disputes reach Topup.</p>
          </EmptyState>
        ) : (
          <>
            <ul className="activity-list" data-testid="user-recent-events">
              {connection.edges.map(({ node }) => (
                <li key={node.id} className="activity-list__item">
                  <span className="activity-list__what">
                    <span className="id" title={node.type}>
                      {node.type}
                    </span>
                    {node.outcome ? <span className={`badge badge--${outcomeTones[node.outcome]}`}>{outcomeLabels[node.outcome]}</span> : <span className="badge">Recording</span>}
                  </span>
                  <span className="activity-list__when muted">{formatDateTime(node.receivedAt)}</span>
                </li>
              ))}
            </ul>
            <p>
              <Link to={eventsLink}>{connection.pageInfo.hasNextPage ? 'All events of this user' : 'Open in the event log'}</Link>
            </p>
          </>
        )
      }
    </LoadedCard>
  );
}
