import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { CreateCreditTopUpSessionDocument } from '../generated/graphql.ts';
import { isWebUrl, leaveForCheckout } from './leaveForCheckout.ts';

export interface BuyCredits {
  buy: (credits: number) => Promise<void>;
  /** The amount being bought while the checkout is created and the browser leaves; else null. */
  pendingCredits: number | null;
  error: unknown;
}

/**
 * Creates a checkout session for `credits` and sends the browser to it. One purchase at a time:
 * a second click while the first is on its way does nothing. The server decides the price.
 * `saveCard`: save the card for automatic top-ups.
 */
export function useBuyCredits(currency: string | null = null, saveCard = false): BuyCredits {
  const [createSession] = useMutation(CreateCreditTopUpSessionDocument);
  const [pendingCredits, setPendingCredits] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const inFlight = useRef(false);

  // Coming back with the browser's Back button can restore this page from the back-forward cache,
  // frozen in "Redirecting…"; make the buttons usable again.
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      inFlight.current = false;
      setPendingCredits(null);
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, []);

  const buy = async (credits: number) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setPendingCredits(credits);
    setError(null);
    try {
      const { data } = await createSession({ variables: { input: { credits, ...(currency === null ? {} : { currency }), ...(saveCard ? { saveCard } : {}) } } });
      const url = data?.createCreditTopUpSession.url;
      if (!url || !isWebUrl(url)) throw new Error('The server returned no checkout address.');
      leaveForCheckout(url);
    } catch (caught) {
      inFlight.current = false;
      setPendingCredits(null);
      setError(caught);
    }
  };

  return { buy, pendingCredits, error };
}
