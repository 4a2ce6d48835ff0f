import { ClerkProvider, SignIn, useAuth } from '@clerk/react';
import { useMemo, useRef } from 'react';
import { ConsoleApp } from '../../app/ConsoleApp.tsx';
import { FullPageLoading } from '../../components/FullPageLoading.tsx';
import type { AuthSession } from '../AuthSession.ts';

/**
 * The console with Clerk (`VITE_CLERK_PUBLISHABLE_KEY` set at build time). This module and
 * `@clerk/react` are loaded with a dynamic import, so builds without Clerk never ship them
 * and builds with Clerk fetch them after the first paint.
 */
export default function ClerkRoot({ publishableKey }: { publishableKey: string }) {
  return (
    <ClerkProvider publishableKey={publishableKey} afterSignOutUrl="/">
      <ClerkGate />
    </ClerkProvider>
  );
}

function ClerkGate() {
  const { isLoaded, isSignedIn, userId, getToken, signOut } = useAuth();
  // Clerk hands out a new `getToken` function on renders; the Apollo link reads the latest one.
  const getTokenRef = useRef(getToken);
  getTokenRef.current = getToken;
  const signOutRef = useRef(signOut);
  signOutRef.current = signOut;

  const session = useMemo<AuthSession>(
    () => ({
      mode: 'clerk',
      getToken: () => getTokenRef.current(),
      signOut: () => signOutRef.current(),
    }),
    [],
  );

  if (!isLoaded) return <FullPageLoading />;
  if (!isSignedIn) {
    return (
      <main className="sign-in" id="main">
        <SignIn routing="hash" />
      </main>
    );
  }
  // Clerk refreshes expired tokens itself, so an UNAUTHENTICATED answer is shown as an error
  // rather than signing the user out.
  return <ConsoleApp key={userId} session={session} onUnauthenticated={() => undefined} />;
}
