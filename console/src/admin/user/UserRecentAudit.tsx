import { useQuery } from '@apollo/client/react';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadedCard } from '../../components/LoadedCard.tsx';
import { formatDateTime } from '../../format/formatDate.ts';
import { UserRecentAuditDocument } from '../../generated/graphql.ts';
import { Link } from '../../router/router.tsx';
import { recentActivityCount } from './UserRecentEvents.tsx';

/** Admin, a user's overview: the newest audit records about them (who did what), linking to the audit log. */
export function UserRecentAudit({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(UserRecentAuditDocument, { variables: { userId, first: recentActivityCount }, fetchPolicy: 'cache-and-network' });
  return (
    <LoadedCard title="Audit entries" loaded={data?.auditLog} error={error} refetch={refetch}>
      {(connection) =>
        connection.edges.length === 0 ? (
          <EmptyState title="No admin action yet">
            <p>Adjustments, grants and refunds of this user are recorded here.</p>
          </EmptyState>
        ) : (
          <>
            <ul className="activity-list" data-testid="user-recent-audit">
              {connection.edges.map(({ node }) => (
                <li key={node.id} className="activity-list__item">
                  <span className="activity-list__what">
                    <code>{node.action}</code>
                    {node.refused && <span className="badge badge--error">Refused</span>}
                    <span className="muted">
                      by{' '}
                      <span className="id" title={node.actor}>
                        {node.actor}
                      </span>
                    </span>
                  </span>
                  <span className="activity-list__when muted">{formatDateTime(node.createdAt)}</span>
                </li>
              ))}
            </ul>
            <p>
              <Link to={`/admin/audit?user=${encodeURIComponent(userId)}`}>Open in the audit log</Link>
            </p>
          </>
        )
      }
    </LoadedCard>
  );
}
