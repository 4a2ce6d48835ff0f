import type { Config } from '../config.ts';
import type { Storage } from './storage.ts';
import { openPglite } from './openPglite.ts';
import { openPostgres } from './openPostgres.ts';
import { createSqlStorage } from './sqlStorage.ts';
import { createSupabaseStorage } from './supabaseStorage.ts';
import { migrate } from './migrate.ts';

/**
 * Opens the configured storage and, for the adapters with a direct connection, applies pending
 * migrations before anything else runs. A failed migration throws: the boot stops.
 */
export async function openStorage(options: {
  database: Config['database'];
  log?: (message: string) => void;
}): Promise<Storage> {
  const { database } = options;
  if (database.kind === 'supabase') return createSupabaseStorage(database);
  const sqlDatabase =
    database.kind === 'pglite'
      ? await openPglite({ directory: database.directory })
      : await openPostgres(database);
  try {
    await migrate(sqlDatabase, { log: options.log });
  } catch (error) {
    await sqlDatabase.close().catch(() => undefined);
    throw error;
  }
  return createSqlStorage(sqlDatabase);
}
