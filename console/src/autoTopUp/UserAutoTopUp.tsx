import { useQuery } from '@apollo/client/react';
import { UserAutoTopUpDocument } from '../generated/graphql.ts';
import { AutoTopUpCard } from './AutoTopUpCard.tsx';

/** The admin user page's auto top-up: the same settings, changed for this user. */
export function UserAutoTopUp({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(UserAutoTopUpDocument, { variables: { id: userId }, fetchPolicy: 'cache-and-network' });
  if (error && !data) return <p className="fine-print">Automatic top-up settings could not be loaded.</p>;
  if (!data?.user) return null;
  return <AutoTopUpCard autoTopUp={data.user.autoTopUp} userId={userId} onChanged={() => void refetch().catch(() => undefined)} />;
}
