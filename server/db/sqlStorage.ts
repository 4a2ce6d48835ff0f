import type { Storage } from './storage.ts';
import type { SqlDatabase } from './sqlDatabase.ts';
import { functionCallSql } from './functionCall.ts';
import { toTopupError, type SqlErrorFields } from './sqlErrors.ts';
import { migrationStatus, readyDetail } from './migrate.ts';

/** `Storage` over PGlite or `pg`: one statement per call, so each call is its own transaction. */
export function createSqlStorage(database: SqlDatabase): Storage & { database: SqlDatabase } {
  return {
    kind: database.kind,
    database,
    async call<Result>(functionName: string, args: Record<string, unknown>): Promise<Result> {
      const { sql, params } = functionCallSql(functionName, args);
      try {
        const rows = await database.query<{ result: Result }>(sql, params);
        return rows[0]!.result;
      } catch (error) {
        throw toTopupError(error as SqlErrorFields) ?? error;
      }
    },
    async checkReady() {
      try {
        const status = await migrationStatus(database);
        if (status.pending.length > 0) return { ready: false, detail: `pending migrations: ${status.pending.join(', ')}` };
        try {
          await database.query('select probe_write()');
        } catch (error) {
          return { ready: false, detail: `database cannot write: ${(error as Error).message}` };
        }
        return { ready: true, detail: readyDetail(status.applied.length, status.ahead) };
      } catch (error) {
        return { ready: false, detail: `database unreachable: ${(error as Error).message}` };
      }
    },
    close: () => database.close(),
  };
}
