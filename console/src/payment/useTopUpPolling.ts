import type { ApolloClient } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { refreshAfterCreditMovement } from '../apollo/refreshAfterCreditMovement.ts';
import { errorCode } from '../errors/describeError.ts';
import { MeDocument, TopUpDocument } from '../generated/graphql.ts';
import type { TopUpQuery, TopUpStatus } from '../generated/graphql.ts';

export type TopUp = TopUpQuery['topUp'];

export type TopUpPollState =
  /** Asking; `topUp` is the latest answer (PENDING or OPEN) once there is one. */
  | { phase: 'checking'; topUp: TopUp | null }
  /** A final status, or OPEN after the grace period: shown as is, no more asking. */
  | { phase: 'settled'; topUp: TopUp }
  /**
   * NOT_FOUND (or BAD_USER_INPUT, FORBIDDEN): no such payment for this account. The server answers an
   * unknown session and another user's alike, so the page cannot, and does not, tell them apart.
   */
  | { phase: 'notFound' }
  /** Still not settled when the time allowed ran out, or the server kept failing. */
  | { phase: 'stalled'; topUp: TopUp | null; error: unknown };

/** Statuses after which nothing more happens without a person (refund, dispute) acting. */
const finalStatuses: ReadonlySet<TopUpStatus> = new Set(['PAID', 'FAILED', 'EXPIRED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'DISPUTED']);

export const pollingLimits = {
  /** Every 1.5 s for the first minute (a card payment settles within a second or two)… */
  fastIntervalMilliseconds: 1500,
  fastAttempts: 40,
  /** …then every 5 s, for a delayed payment that is still clearing, up to about ten minutes. */
  slowIntervalMilliseconds: 5000,
  attemptsMax: 148,
  /** A session that is still OPEN after this many answers was not paid (the user came back early). */
  openAttemptsMax: 8,
  /** Consecutive failures (server or network) before giving up. */
  consecutiveErrorsMax: 5,
} as const;

/**
 * Asks `topUp(sessionId)` until the purchase settles, at a bounded pace. When it settles, `me`
 * is refetched, so the balance in the header and on the billing page update without a reload.
 * `restartKey` starts a new round (the "Check again" button).
 */
export function useTopUpPolling(sessionId: string, restartKey: number): TopUpPollState {
  const client = useApolloClient();
  const [state, setState] = useState<TopUpPollState>({ phase: 'checking', topUp: null });

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let consecutiveErrors = 0;
    let latest: TopUp | null = null;
    setState((previous) => ({ phase: 'checking', topUp: previous.phase === 'checking' || previous.phase === 'stalled' ? previous.topUp : null }));

    const settle = (topUp: TopUp) => {
      setState({ phase: 'settled', topUp });
      refreshBalance(client);
    };

    const poll = async () => {
      attempts += 1;
      try {
        const { data } = await client.query({ query: TopUpDocument, variables: { sessionId }, fetchPolicy: 'network-only' });
        if (cancelled) return;
        if (!data) throw new Error('topUp returned no data');
        consecutiveErrors = 0;
        latest = data.topUp;
        if (finalStatuses.has(latest.status)) return settle(latest);
        if (latest.status === 'OPEN' && attempts >= pollingLimits.openAttemptsMax) return settle(latest);
        if (attempts >= pollingLimits.attemptsMax) return setState({ phase: 'stalled', topUp: latest, error: null });
        setState({ phase: 'checking', topUp: latest });
      } catch (error) {
        if (cancelled) return;
        const code = errorCode(error);
        if (code === 'NOT_FOUND' || code === 'FORBIDDEN' || code === 'BAD_USER_INPUT') return setState({ phase: 'notFound' });
        consecutiveErrors += 1;
        if (consecutiveErrors >= pollingLimits.consecutiveErrorsMax || attempts >= pollingLimits.attemptsMax) {
          return setState({ phase: 'stalled', topUp: latest, error });
        }
      }
      const delay = attempts < pollingLimits.fastAttempts ? pollingLimits.fastIntervalMilliseconds : pollingLimits.slowIntervalMilliseconds;
      timer = setTimeout(() => void poll(), delay);
    };

    void poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, sessionId, restartKey]);

  return state;
}

/**
 * Once a purchase settles, the signed-in user's balance, ledger and purchases are fetched again
 * (`refreshAfterCreditMovement`), so the header's balance and the billing page update without a
 * reload, from the server's numbers.
 */
function refreshBalance(client: ApolloClient): void {
  const cached = client.cache.readQuery({ query: MeDocument });
  if (!cached) return;
  void refreshAfterCreditMovement(client, { userId: cached.me.id }).catch(() => undefined);
}
