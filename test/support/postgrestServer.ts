import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SqlDatabase } from '../../server/db/sqlDatabase.ts';
import { functionCallSql } from '../../server/db/functionCall.ts';

/**
 * A PostgREST-compatible RPC endpoint for tests: `POST /rest/v1/rpc/<function>` with the arguments as
 * a JSON object runs the function on the real database and answers as PostgREST does (the function's
 * JSON result; on error, status 400 and `{code, message, details, hint}` with the SQLSTATE as code).
 * There is no PostgREST on these machines, so this is what lets supabase-js's real request building
 * and response parsing run against the real SQL functions. It checks the service role key like
 * Supabase's gateway (`apikey` header), and nothing else of PostgREST is imitated.
 */
export async function startPostgrestServer(options: {
  database: SqlDatabase;
  serviceRoleKey: string;
}): Promise<{ url: string; close(): Promise<void> }> {
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
    if (request.headers.apikey !== options.serviceRoleKey) {
      respond(response, 401, { message: 'Invalid API key' });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const args = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    const { sql, params } = functionCallSql(match[1]!, args);
    try {
      const rows = await options.database.query<{ result: unknown }>(sql, params);
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
