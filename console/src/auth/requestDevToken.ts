export interface DevTokenRequest {
  userId: string;
  email?: string;
  role: 'user' | 'admin';
}

export class DevTokenError extends Error {
  override name = 'DevTokenError';
}

/**
 * Asks the server for a development token (`POST /api/dev/token`). The route exists only when no
 * Clerk keys are configured and the server is not in production; otherwise it answers 404.
 */
export async function requestDevToken(request: DevTokenRequest, fetchImplementation: typeof fetch = fetch): Promise<string> {
  let response: Response;
  try {
    response = await fetchImplementation('/api/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    throw new DevTokenError('We cannot reach the server. Check that it is running and try again.');
  }
  if (response.status === 404) throw new DevTokenError('Development sign-in is turned off on this server.');
  if (!response.ok) {
    // The route words its refusals for people ("userId must look like a Clerk user id: ...").
    const refusal: unknown = await response.json().catch(() => null);
    const message = readErrorMessage(refusal);
    throw new DevTokenError(message ?? 'The server refused this sign-in. Check the user id and try again.');
  }
  const body: unknown = await response.json().catch(() => null);
  const token = typeof body === 'object' && body !== null && 'token' in body ? body.token : null;
  if (typeof token !== 'string' || token === '') throw new DevTokenError('The server sent no token. Please try again.');
  return token;
}

/** `{"error": {"code", "message"}}`, the error body of the server's non-GraphQL routes. */
function readErrorMessage(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error = body.error;
  if (typeof error !== 'object' || error === null || !('message' in error)) return null;
  return typeof error.message === 'string' && error.message.length <= 200 ? error.message : null;
}
