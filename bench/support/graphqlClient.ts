/** Mints a dev token on a server with dev auth on (`POST /api/dev/token`). */
export async function devToken(baseUrl: string, userId: string, role: 'user' | 'admin' = 'user'): Promise<string> {
  const response = await fetch(`${baseUrl}/api/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, role }),
  });
  if (!response.ok) throw new Error(`dev token for ${userId}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** One GraphQL POST; throws on an HTTP error or a GraphQL error, returns `data`. */
export async function graphql<Data>(baseUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: unknown[] };
  if (!response.ok || body.errors) throw new Error(`graphql ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data!;
}
