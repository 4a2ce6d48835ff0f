import { useApolloClient } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import type { DocumentNode } from 'graphql';
import { refreshAfterCreditMovement } from './refreshAfterCreditMovement.ts';

/**
 * How often a page that shows a balance asks the server for it again (the user's header balance,
 * an admin's open user page). Polling, not a subscription: the server has no subscription
 * transport, and one small query per page every few seconds costs less than keeping one open.
 */
export const liveRefreshIntervalMilliseconds = 4000;

/** `useQuery` options that keep a balance query live while the tab is in sight (none while it is hidden). */
export const liveQueryOptions = {
  pollInterval: liveRefreshIntervalMilliseconds,
  skipPollAttempt: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
} as const;

interface LiveCreditsOptions {
  userId: string | undefined;
  /** The balance and when it last changed, as the polled query has them now. */
  credits: number | undefined;
  lastCreditUpdate: string | null | undefined;
  /** Further queries on screen to ask again when credits move (e.g. the overview's recent events). */
  alsoRefetch?: readonly DocumentNode[];
}

/**
 * When a polled balance shows credits moved elsewhere (a purchase's webhook, the app spending, an
 * admin in another tab), brings the rest of what is on screen up to date, through the one way
 * the console does that (`refreshAfterCreditMovement`): the lots, holds, ledger and purchases
 * follow the balance without a reload. The first value seen is no movement.
 */
export function useLiveCredits({ userId, credits, lastCreditUpdate, alsoRefetch }: LiveCreditsOptions): void {
  const client = useApolloClient();
  const seen = useRef<{ userId: string; stamp: string } | null>(null);
  useEffect(() => {
    if (!userId || credits === undefined) return;
    const stamp = `${lastCreditUpdate ?? ''}|${credits}`;
    const previous = seen.current;
    seen.current = { userId, stamp };
    if (!previous || previous.userId !== userId || previous.stamp === stamp) return;
    // No balance is passed on: the value seen may be an adjustment's optimistic one, which must not
    // be written under the optimistic layer (a refused adjustment would leave it on screen). The
    // balance is asked for again with the rest.
    void refreshAfterCreditMovement(client, { userId }).catch(() => undefined);
    if (alsoRefetch?.length) void client.refetchQueries({ include: [...alsoRefetch] }).catch(() => undefined);
  }, [client, userId, credits, lastCreditUpdate, alsoRefetch]);
}
