import type { TestTopup } from './startTestTopup.ts';

/**
 * A dev token for `userId` after one `{ me { id } }` with it: the user exists then, as after a first
 * sign-in. Returns the token.
 */
export async function signedInUser(server: TestTopup, userId: string): Promise<string> {
  const token = await server.devToken({ userId });
  await server.graphql('{ me { id } }', { token });
  return token;
}
