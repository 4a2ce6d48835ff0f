import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { functionCallSql } from '../../server/db/functionCall.ts';

/**
 * A PostgREST-compatible RPC endpoint for tests: `POST /rest/v1/rpc/<function>` with the arguments as
 * a JSON object runs the function on the real database and answers as PostgREST does (the function's
 * JSON result; on error, status 400 and `{code, message, details, hint}` with the SQLSTATE as code).
 * There is no PostgREST on these machines, so this is what lets supabase-js's real request building
 * and response parsing run against the real SQL functions.
 *
 * Like Supabase's gateway and PostgREST, the API key (`apikey` header) chooses the database role: the
 * service role key runs the call as `service_role`, the anon key as `anon`, any other key is a 401.
 * When those roles exist in the database (`test/support/supabaseRoles.ts` creates them, on PostgreSQL
 * and on PGlite, which supports roles too), each call runs in a transaction under
 * `set local role <role>`, so grants and row-level security apply as on Supabase; without them, the
 * call runs as the connection's user. Nothing else of PostgREST is imitated.
 */
export async function startPostgrestServer(options: {
  database: SqlDatabase;
  serviceRoleKey: string;
  /** The key browsers hold; absent: only the service role key is accepted. */
  anonKey?: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const roleOfKey = new Map<string, 'service_role' | 'anon'>([[options.serviceRoleKey, 'service_role']]);
  if (options.anonKey !== undefined) roleOfKey.set(options.anonKey, 'anon');
  const [{ present }] = (await options.database.query<{ present: number }>(
    `select count(*)::int as present from pg_roles where rolname in ('service_role', 'anon')`,
  )) as [{ present: number }];
  const switchesRole = present === 2;
  const server = http.createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      respond(response, 500, { code: 'XX000', message: (error as Error).message, details: null, hint: null });
    });
  });
  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const match = /^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)$/.exec(new URL(request.url ?? '/', 'http://x').pathname);
    if (request.method !== 'POST' || !match) {
      respond(response, 404, { code: 'PGRST202', message: 'Could not find the function', details: null, hint: null });
      return;
    }
    const role = roleOfKey.get(String(request.headers.apikey ?? ''));
    if (role === undefined) {
      respond(response, 401, { message: 'Invalid API key' });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const args = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    const { sql, params } = functionCallSql(match[1]!, args);
    try {
      const rows = switchesRole
        ? await options.database.transaction(async (transaction) => {
            // `role` comes from the map above, never from the request: safe to splice.
            await transaction.exec(`set local role ${role}`);
            return transaction.query<{ result: unknown }>(sql, params);
          })
        : await options.database.query<{ result: unknown }>(sql, params);
      respond(response, 200, rows[0]?.result ?? null);
    } catch (error) {
      const fields = error as { code?: string; message?: string; detail?: string; hint?: string };
      respond(response, 400, {
        code: fields.code ?? 'XX000',
        message: fields.message ?? 'error',
        details: fields.detail ?? null,
        hint: fields.hint ?? null,
      });
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function respond(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
