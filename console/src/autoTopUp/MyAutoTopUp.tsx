import { useQuery } from '@apollo/client/react';
import { MyAutoTopUpDocument } from '../generated/graphql.ts';
import { useBuyCredits } from '../billing/useBuyCredits.ts';
import { AutoTopUpBanner } from './AutoTopUpBanner.tsx';
import { AutoTopUpCard } from './AutoTopUpCard.tsx';

/** The billing page's auto top-up: the confirmation banner when the bank asks, and the settings. */
export function MyAutoTopUp({ part }: { part: 'banner' | 'settings' }) {
  const { data, error, refetch } = useQuery(MyAutoTopUpDocument, { fetchPolicy: 'cache-and-network' });
  // Confirming on-session saves the card again, so the next automatic payments need no confirmation.
  const confirm = useBuyCredits(data?.me.autoTopUp.currency ?? null, true);
  // A secondary card: its load failure is said quietly, never as the page's alert.
  if (!data) return part === 'settings' && error ? <p className="fine-print">Automatic top-up settings could not be loaded.</p> : null;
  if (part === 'banner') return <AutoTopUpBanner autoTopUp={data.me.autoTopUp} purchase={confirm} />;
  return <AutoTopUpCard autoTopUp={data.me.autoTopUp} onChanged={() => void refetch().catch(() => undefined)} />;
}
