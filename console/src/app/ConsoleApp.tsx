import { ApolloProvider } from '@apollo/client/react';
import { useMemo, useRef } from 'react';
import { createApolloClient } from '../apollo/createApolloClient.ts';
import { AuthSessionContext } from '../auth/AuthSession.ts';
import type { AuthSession } from '../auth/AuthSession.ts';
import { ConsoleShell } from './ConsoleShell.tsx';

interface ConsoleAppProps {
  session: AuthSession;
  /** The server rejected the token (expired, or signed by another server). */
  onUnauthenticated: () => void;
}

/** The signed-in console: one Apollo Client per session, so no user ever sees another's cache. */
export function ConsoleApp({ session, onUnauthenticated }: ConsoleAppProps) {
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  const client = useMemo(
    () => createApolloClient({ getToken: session.getToken, onUnauthenticated: () => onUnauthenticatedRef.current() }),
    [session],
  );
  return (
    <ApolloProvider client={client}>
      <AuthSessionContext.Provider value={session}>
        <ConsoleShell />
      </AuthSessionContext.Provider>
    </ApolloProvider>
  );
}
