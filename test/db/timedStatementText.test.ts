import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../server/db/openPostgres.ts';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { timedStatementText } from '../../server/db/timedStatementText.ts';
import { createTestDatabase } from '../support/testStorage.ts';

const timed = (sql: string, params: unknown[] = []) => timedStatementText({ sql, params, statementTimeoutMilliseconds: 250 });

describe('timedStatementText', () => {
  it('writes the timeout and the statement with its parameters as literals, quotes and backslashes escaped', () => {
    // Proves the text of the one-round-trip form by example, including the hard cases: $10 after $1, a quote, a backslash, null.
    expect(timed('select f(a => $1, b => $2, c => $3) as result', ["it's", 5, null])).toBe(
      "set local statement_timeout = 250; select f(a => 'it''s', b => '5', c => null) as result",
    );
    expect(timed('select $1::text as value', ['a\\b'])).toBe("set local statement_timeout = 250; select  E'a\\\\b'::text as value");
    const ten = Array.from({ length: 10 }, (_, index) => `v${index + 1}`);
    expect(timed('select g($1, $10) as result', ten)).toBe("set local statement_timeout = 250; select g('v1', 'v10') as result");
  });

  it('refuses what it cannot write safely, so the caller falls back to the parameter path', () => {
    // Proves every refusal: a $n that could sit in a literal, a comment or a dollar-quoted body; values that are not plain text; a NUL; a missing parameter.
    expect(timed(`select 'x $1' as value`, ['a'])).toBeNull();
    expect(timed('select $1 as value -- $1', ['a'])).toBeNull();
    expect(timed('select $tag$ $1 $tag$ as value', ['a'])).toBeNull();
    expect(timed('select "a$1" as value', ['a'])).toBeNull();
    expect(timed('select $1 as value', [['a']])).toBeNull();
    expect(timed('select $1 as value', [new Date()])).toBeNull();
    expect(timed('select $1 as value', ['a\u0000b'])).toBeNull();
    expect(timed('select $1, $2 as value', ['a'])).toBeNull();
    // A name with a dollar in it is not a parameter.
    expect(timed('select a$1 from t where b = $1', ['x'])).toBe("set local statement_timeout = 250; select a$1 from t where b = 'x'");
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('a single query on PostgreSQL, in one round trip', () => {
  let database: SqlDatabase;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    database = await openPostgres({ connectionString: created.connectionString, poolSizeMax: 1, statementTimeoutMilliseconds: 250 });
  });

  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('runs under the statement timeout, leaves it off the connection, and keeps the connection after a statement error', async () => {
    // Proves the timeout is in force for the statement itself (pg_sleep past it is canceled, 57014), that the set local ended with the message (a query without the wrapper on the same one connection sees the server default), and that the error did not cost the connection (same backend before and after).
    const [before] = await database.query<{ pid: number }>('select pg_backend_pid() as pid');
    await expect(database.query('select pg_sleep($1) as slept', [2])).rejects.toMatchObject({ code: '57014' });
    const [inside] = await database.query<{ timeout: string }>('select current_setting($1) as timeout', ['statement_timeout']);
    expect(inside?.timeout).toBe('250ms');
    const outside = await database.withSession((session) => session.query<{ timeout: string; pid: number }>('select current_setting($1) as timeout, pg_backend_pid() as pid', ['statement_timeout']));
    expect(outside[0]?.timeout).toBe('0');
    expect(outside[0]?.pid).toBe(before?.pid);
  });

  it('passes text, numbers, booleans and null as the parameter path does', async () => {
    // Proves the literals type like untyped parameters: the same row from the one-round-trip form and from the parameter path (a statement with a quote in it takes that path).
    const text = `it's "quoted", a \\ backslash, ${'ü'.repeat(3)} and $1 inside`;
    const json = JSON.stringify({ text, nested: { list: [1, 2.5, null], flag: true } });
    const params = [text, json, 42, 2.5, true, null];
    const sql = 'select $1::text as text, $2::jsonb as json, $3::bigint + 1 as big, $4::numeric * 2 as number, $5::boolean as flag, $6::text is null as absent';
    const fast = await database.query(sql, params);
    const slow = await database.query(`${sql}, 'x' as marker`, params);
    expect(fast).toEqual(slow.map(({ marker: _marker, ...row }) => row));
    expect(fast[0]).toMatchObject({ text, json: JSON.parse(json), big: '43', flag: true, absent: true });
  });
});
