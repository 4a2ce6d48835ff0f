import type { ReactNode } from 'react';
import { NetworkStatus } from '@apollo/client';
import { ErrorNotice } from './ErrorNotice.tsx';
import { LoadMoreButton } from './LoadMoreButton.tsx';

/**
 * What a paged list needs of its `useQuery` result. The query runs with `pagedListQueryOptions`,
 * so that `networkStatus` says when "Load more" or new variables are loading.
 */
export interface PagedQuery {
  error?: unknown;
  networkStatus: NetworkStatus;
  refetch: () => Promise<unknown>;
  fetchMore: (options: { variables: { after: string } }) => Promise<unknown>;
}

interface PagedListProps {
  query: PagedQuery;
  /** The connection once a page has arrived; `undefined` (or `null`) until then. */
  connection: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null | undefined;
  /** How many rows `children` shows: none shows `empty`, and "Showing N" counts them. */
  shownCount: number;
  /** What is counted, e.g. `{ one: 'entry', other: 'entries' }`. */
  noun: { one: string; other: string };
  /** Shown until the first page arrives, shaped like the rows (`LoadingRows`). */
  placeholder: ReactNode;
  /** Shown when the connection has no rows to show (`EmptyState`). */
  empty: ReactNode;
  /** Whether "Load more" is offered, when it is not simply the connection's `hasNextPage`. */
  hasNextPage?: boolean;
  /**
   * Given by lists that keep showing the previous variables' rows while new ones load
   * (`data ?? previousData`): `true` while they do. The rows then sit in a region that is busy
   * while the new variables load, and dimmed while stale.
   */
  stale?: boolean;
  /** The rows, usually a table; shown only when there are some. */
  children: ReactNode;
}

/**
 * A cursor-paginated list in its four states: an error with "Try again", a placeholder until the
 * first page, what the list says when it is empty, and the rows with "Load more" below them.
 * The promises of "Load more" and "Try again" are caught only so that a failure is not an
 * unhandled rejection; the list shows what the query reports in its `error`.
 */
export function PagedList({ query, connection, shownCount, noun, placeholder, empty, hasNextPage, stale, children }: PagedListProps) {
  const errorNotice = query.error != null && <ErrorNotice error={query.error} onRetry={() => void query.refetch().catch(() => undefined)} />;
  if (!connection) {
    return (
      <>
        {errorNotice}
        {query.error == null && placeholder}
      </>
    );
  }
  if (shownCount === 0) {
    return (
      <>
        {errorNotice}
        {empty}
      </>
    );
  }

  const loadMore = () => {
    const after = connection.pageInfo.endCursor;
    if (after) void query.fetchMore({ variables: { after } }).catch(() => undefined);
  };
  const rows = (
    <>
      {children}
      <LoadMoreButton
        hasNextPage={hasNextPage ?? connection.pageInfo.hasNextPage}
        loading={query.networkStatus === NetworkStatus.fetchMore}
        onLoadMore={loadMore}
        shownCount={shownCount}
        noun={noun}
      />
    </>
  );
  return (
    <>
      {errorNotice}
      {stale === undefined ? (
        rows
      ) : (
        <div aria-busy={query.networkStatus === NetworkStatus.setVariables} className={stale ? 'stale' : undefined}>
          {rows}
        </div>
      )}
    </>
  );
}
