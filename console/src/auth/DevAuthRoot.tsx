import { useCallback, useMemo, useState } from 'react';
import { ConsoleApp } from '../app/ConsoleApp.tsx';
import type { AuthSession } from './AuthSession.ts';
import { DevSignIn } from './DevSignIn.tsx';
import { clearDevToken, readDevToken, storeDevToken } from './devTokenStore.ts';

/** The console without Clerk: a development token from `/api/dev/token`, or the sign-in screen. */
export function DevAuthRoot() {
  const [token, setToken] = useState(readDevToken);

  const signOut = useCallback(async () => {
    clearDevToken();
    setToken(null);
  }, []);

  const session = useMemo<AuthSession | null>(
    () => (token ? { mode: 'development', getToken: async () => token, signOut } : null),
    [token, signOut],
  );

  if (!session) {
    return (
      <DevSignIn
        onSignedIn={(newToken) => {
          storeDevToken(newToken);
          setToken(newToken);
        }}
      />
    );
  }
  // A new token is a new user: `key` gives them a fresh Apollo cache.
  return <ConsoleApp key={token} session={session} onUnauthenticated={signOut} />;
}
