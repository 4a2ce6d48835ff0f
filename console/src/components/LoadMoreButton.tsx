import { formatCountOf } from '../format/formatCount.ts';

interface LoadMoreButtonProps {
  hasNextPage: boolean;
  loading: boolean;
  onLoadMore: () => void;
  /** How many rows are shown so far, announced after each page. */
  shownCount: number;
  /** What is counted, e.g. `{ one: 'entry', other: 'entries' }`. */
  noun: { one: string; other: string };
}

/** "Load more" for cursor pagination, with the count of rows shown so far. */
export function LoadMoreButton({ hasNextPage, loading, onLoadMore, shownCount, noun }: LoadMoreButtonProps) {
  return (
    <div className="load-more">
      <p className="load-more__count" role="status">
        Showing {formatCountOf(shownCount, noun)}
        {hasNextPage ? '' : ' (all)'}
      </p>
      {hasNextPage && (
        <button type="button" className="button" onClick={onLoadMore} disabled={loading} aria-busy={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
