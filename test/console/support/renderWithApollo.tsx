import { MockedProvider } from '@apollo/client/testing/react';
import type { MockLink } from '@apollo/client/testing';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createApolloCache } from '../../../console/src/apollo/createApolloCache.ts';
import { AuthSessionContext } from '../../../console/src/auth/AuthSession.ts';
import type { AuthSession } from '../../../console/src/auth/AuthSession.ts';

export const testSession: AuthSession = {
  mode: 'development',
  getToken: async () => 'test-token',
  signOut: async () => undefined,
};

/**
 * Renders console UI against mocked API answers, with the console's own cache policies (so
 * pagination and normalization behave as in the browser).
 */
export function renderWithApollo(ui: ReactElement, mocks: ReadonlyArray<MockLink.MockedResponse>, session: AuthSession = testSession) {
  const cache = createApolloCache();
  const result = render(
    <MockedProvider mocks={mocks} cache={cache} showWarnings={false}>
      <AuthSessionContext.Provider value={session}>{ui}</AuthSessionContext.Provider>
    </MockedProvider>,
  );
  return { ...result, cache };
}
