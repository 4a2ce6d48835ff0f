import { createContext, useContext } from 'react';

/**
 * How the console is signed in. The token proves who the user is to the server; who the user is
 * and what they may do always comes back from the server (`viewer`), never from here.
 */
export interface AuthSession {
  /** `development` is the dev sign-in (no Clerk configured); it is labelled as such everywhere. */
  mode: 'development' | 'clerk';
  getToken: () => Promise<string | null>;
  signOut: () => Promise<void>;
}

export const AuthSessionContext = createContext<AuthSession | null>(null);

export function useAuthSession(): AuthSession {
  const session = useContext(AuthSessionContext);
  if (!session) throw new Error('useAuthSession must be used inside <ConsoleApp>');
  return session;
}
