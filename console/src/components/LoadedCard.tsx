import type { ReactNode } from 'react';
import { CardSection } from './CardSection.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { LoadingRows } from './LoadingRows.tsx';

interface LoadedCardProps<Loaded> {
  /** The card's heading; its placeholder announces "Loading <title>…". */
  title: string;
  /** What the query has loaded (nothing until it has), why it failed, and how to ask again. */
  loaded: Loaded | null | undefined;
  error: unknown;
  refetch: () => Promise<unknown>;
  /** The card's content once loaded. */
  children: (loaded: Loaded) => ReactNode;
}

/**
 * A card of one query that is not paged (a user's lots, their holds): the error with "Try again"
 * while nothing is loaded, placeholder rows until it is, then the content.
 */
export function LoadedCard<Loaded>({ title, loaded, error, refetch, children }: LoadedCardProps<Loaded>) {
  return (
    <CardSection title={title}>
      {error && !loaded ? (
        <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : !loaded ? (
        <LoadingRows rows={2} label={`Loading ${title.toLowerCase()}…`} />
      ) : (
        children(loaded)
      )}
    </CardSection>
  );
}
