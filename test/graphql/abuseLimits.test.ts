import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

/** users(1) edges(2) node(3) ledger(4) edges(5) node(6) purchase(7) sessionId(8): the deepest path of the schema. */
const depthEight = '{ users(first: 1) { edges { node { ledger(first: 1) { edges { node { purchase { sessionId } } } } } } } }';
const depthSeven = '{ users(first: 1) { edges { node { ledger(first: 1) { edges { node { id } } } } } } }';

describe('abuse limits', () => {
  let server: TestTopup;
  let adminToken: string;

  beforeAll(async () => {
    // The schema is at most 8 fields deep today, so the depth limit is lowered to 7 here to be reachable.
    server = await startTestTopup({ appOptions: { graphqlLimits: { depthMax: 7 } } });
    adminToken = await server.devToken({ userId: 'user_Limits1', role: 'admin' });
  });

  afterAll(async () => {
    await server?.close();
  });

  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, ...headers }, body });

  it('refuses an operation nested deeper than the limit, also when the depth hides in fragments', async () => {
    // Proves the depth rule is installed: depth 8 is a 400 validation error before any resolver runs, depth 7 executes.
    expect((await server.graphql(depthSeven, { token: adminToken })).body.errors).toBeUndefined();
    const refused = await server.graphql(depthEight, { token: adminToken });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', depth: 8, depthMax: 7 } });
    const throughFragments = await server.graphql(
      '{ users(first: 1) { ...U } } fragment U on UserConnection { edges { node { ledger(first: 1) { ...L } } } } fragment L on LedgerConnection { edges { node { purchase { sessionId } } } }',
      { token: adminToken },
    );
    expect(throughFragments.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', depth: 8 });
  });

  it('refuses nested pages and alias floods whose estimated cost is above the limit', async () => {
    // Proves the cost rule: pages multiply (100 x 100), a variable page size counts as the maximum, aliases add up; a modest query passes.
    const nestedPages = await server.graphql('{ users(first: 100) { edges { node { id ledger(first: 100) { edges { node { id delta } } } } } } }', {
      token: adminToken,
    });
    expect(nestedPages.status).toBe(400);
    expect(nestedPages.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', costMax: 10_000 });

    const variablePages = await server.graphql(
      'query ($n: Int) { users(first: $n) { edges { node { id ledger(first: $n) { edges { node { id } } } } } } }',
      { token: adminToken, variables: { n: 2 } },
    );
    expect(variablePages.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // users 1 + 100 x (edges 1 + node 1 + 100 aliases) = 10,201. (Flat alias floods hit the parser's token limit first.)
    const aliases = Array.from({ length: 100 }, (_, index) => `a${index}: credits`).join(' ');
    const flood = await server.graphql(`{ users(first: 100) { edges { node { ${aliases} } } } }`, { token: adminToken });
    expect(flood.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', cost: 10_201 });

    const modest = await server.graphql('{ users(first: 10) { edges { node { id ledger(first: 10) { edges { node { id delta } } } } } } }', {
      token: adminToken,
    });
    expect(modest.body.errors).toBeUndefined();
  });

  it('refuses a document with more tokens than the parser limit', async () => {
    // Proves the parser guard: graphql-js stops at 10,000 tokens with a parse error instead of building a huge AST.
    const refused = await server.graphql(`{ ${'ok '.repeat(10_001)} }`, { token: adminToken });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('refuses batched requests: one HTTP request runs one operation', async () => {
    // Proves batching is off: an array body is a 400 and none of its operations runs.
    const response = await post(JSON.stringify([{ query: '{ ok }' }, { query: '{ ok }' }]));
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/batching/i);
  });

  it('refuses a body larger than BODY_SIZE_MAX_BYTES with 413, in the GraphQL error shape', async () => {
    // Proves the body limit: 300 KB against the default 256 KiB is refused before Apollo sees it.
    const response = await post(JSON.stringify({ query: 'query ($pad: String) { ok }', variables: { pad: 'x'.repeat(300_000) } }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errors: [{ message: 'The request body is too large', extensions: { code: 'BAD_REQUEST' } }] });
    const malformed = await post('{"query": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toBe('The request body is not valid JSON');
  });

  it('refuses requests a browser could send cross-site without a preflight (CSRF)', async () => {
    // Proves CSRF prevention: simple GETs and text/plain, form and multipart POSTs are refused and run nothing; a GET with a preflight header runs.
    const mutation = JSON.stringify({
      query: 'mutation { adjustCredits(input: { userId: "user_Limits1", delta: 5, reason: "csrf", idempotencyKey: "csrf-1" }) { id } }',
    });
    await server.graphql('{ me { id } }', { token: adminToken });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await post(mutation, { 'content-type': contentType });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
    }
    const simpleGet = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ ok }')}`);
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/Cross-Site Request Forgery/);

    const me = await server.graphql<{ me: { credits: number } }>('{ me { credits } }', { token: adminToken });
    expect(me.body.data?.me.credits).toBe(0);

    const preflightedGet = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ ok }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflightedGet.status).toBe(200);
    expect(await preflightedGet.json()).toEqual({ data: { ok: true } });
  });

  it('runs queries over GET but never mutations', async () => {
    // Proves GraphQL-over-HTTP's GET rule: a mutation in a GET is 405 even with the preflight header.
    const query = encodeURIComponent('mutation { _noop }');
    const response = await fetch(`${server.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
  });

  it('answers introspection outside production', async () => {
    // Proves the development default (the production refusal is in productionMode.test.ts).
    const result = await server.graphql<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }');
    expect(result.body.data?.__schema.queryType.name).toBe('Query');
  });
});
