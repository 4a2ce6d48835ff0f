import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { ServerError } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { errorCode } from '../errors/describeError.ts';
import { createApolloCache } from './createApolloCache.ts';

export interface ApolloClientOptions {
  /** The bearer token of the signed-in user (a Clerk session token or a dev token), read per request. */
  getToken: () => Promise<string | null>;
  /** Called when the server no longer accepts the token, so the console can ask to sign in again. */
  onUnauthenticated: () => void;
  /** Where GraphQL is served; the same origin as the console. */
  uri?: string;
}

/**
 * The console's one Apollo Client. Requests are JSON POSTs (`content-type: application/json`),
 * which satisfies the server's CSRF prevention; the token is attached to each request, so a
 * refreshed Clerk token is used as soon as Clerk has it.
 */
export function createApolloClient({ getToken, onUnauthenticated, uri = '/graphql' }: ApolloClientOptions): ApolloClient {
  const authLink = new SetContextLink(async (previousContext) => {
    const token = await getToken();
    return token ? { headers: { ...previousContext.headers, authorization: `Bearer ${token}` } } : {};
  });
  const unauthenticatedLink = new ErrorLink(({ error }) => {
    const rejected = errorCode(error) === 'UNAUTHENTICATED' || (ServerError.is(error) && error.statusCode === 401);
    if (rejected) onUnauthenticated();
  });
  return new ApolloClient({
    link: ApolloLink.from([unauthenticatedLink, authLink, new HttpLink({ uri })]),
    cache: createApolloCache(),
  });
}
