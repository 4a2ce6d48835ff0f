import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../server/db/storage.ts';
import { storageKindsUnderTest } from '../support/testStorage.ts';
import { startTestTopup, type TestTopup } from '../support/startTestTopup.ts';

const sqlLeak = 'relation "credit_ledger_secret" does not exist: select * from credit_ledger where user_id = $1';

/** Makes `find_user` fail like a broken query would, with SQL text in the message. */
function withBrokenFindUser(storage: Storage): Storage {
  return {
    kind: storage.kind,
    checkReady: () => storage.checkReady(),
    close: () => storage.close(),
    call<Result>(functionName: string, args: Record<string, unknown>): Promise<Result> {
      if (functionName === 'find_user') return Promise.reject(Object.assign(new Error(sqlLeak), { code: '42P01' }));
      // A genuine error of the real database: a function that does not exist (SQLSTATE 42883).
      if (functionName === 'list_ledger_entries') return storage.call<Result>('list_ledger_entries_gone', args);
      return storage.call<Result>(functionName, args);
    },
  };
}

describe.each(storageKindsUnderTest())('errors on %s', (kind) => {
  let server: TestTopup;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestTopup({ kind, wrapStorage: withBrokenFindUser });
    adminToken = await server.devToken({ userId: 'user_Admin1', role: 'admin' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('hides an unexpected error behind INTERNAL_SERVER_ERROR and logs it with the request id', async () => {
    // Proves the formatError boundary: the client gets a generic message and no SQL or stack; the log line with the same request id has the real error.
    const result = await server.graphql('{ user(id: "user_Someone1") { id } }', { token: adminToken, headers: { 'x-request-id': 'req-sql-leak-1' } });
    expect(result.status).toBe(200);
    expect(result.headers.get('x-request-id')).toBe('req-sql-leak-1');
    expect(result.body.errors).toEqual([
      { message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['user'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(result.text).not.toMatch(/select|credit_ledger|42P01|at .*\.ts/i);
    const logged = server.logs.find((line) => line.message === 'graphql request failed unexpectedly' && line.requestId === 'req-sql-leak-1');
    expect(JSON.stringify(logged)).toContain('credit_ledger_secret');
  });

  it('hides errors the real database raises, and keeps domain errors readable', async () => {
    // Proves it with a genuine PostgreSQL error (a function that does not exist) next to a domain error that must stay as is.
    const result = await server.graphql('{ ledgerEntries { edges { node { id } } } }', { token: adminToken });
    expect(result.body.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(result.body.errors?.[0]?.message).toBe('Internal server error');
    expect(result.text).not.toMatch(/list_ledger_entries|does not exist|42883/i);

    const domain = await server.graphql('mutation ($input: AdjustCreditsInput!) { adjustCredits(input: $input) { id } }', {
      token: adminToken,
      variables: { input: { userId: 'user_Ghost1', delta: 1, reason: 'x', idempotencyKey: 'ghost-1' } },
    });
    expect(domain.body.errors?.[0]).toMatchObject({ message: 'user user_Ghost1 not found', extensions: { code: 'NOT_FOUND' } });
  });

  it("keeps GraphQL's own client errors and codes", async () => {
    // Proves that parse and validation errors are not masked: a client needs them to fix its query.
    const parse = await server.graphql('{ me { id ', { token: adminToken });
    expect(parse.status).toBe(400);
    expect(parse.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const validation = await server.graphql('{ me { nope } }', { token: adminToken });
    expect(validation.status).toBe(400);
    expect(validation.body.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(validation.body.errors?.[0]?.message).toContain('nope');
  });
});
