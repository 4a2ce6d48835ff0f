import 'dotenv/config';
import { loadConfig } from '../config.ts';
import { openPglite } from '../db/openPglite.ts';
import { openPostgres } from '../db/openPostgres.ts';
import { migrate } from '../db/migrate.ts';

/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL (for Supabase, its direct connection
 * string), or to the embedded database in DATA_DIR. The server also migrates at boot; this is for
 * deploy pipelines and for Supabase, whose RPC adapter cannot run DDL.
 */
const config = loadConfig();
const database =
  config.database.kind === 'pglite'
    ? await openPglite({ directory: config.database.directory })
    : config.database.kind === 'postgres'
      ? await openPostgres({ ...config.database, poolSizeMax: 1 })
      : null;
if (database === null) {
  console.error('With SUPABASE_URL set, run migrations with DATABASE_URL set to the project\'s direct connection string.');
  process.exit(2);
}
try {
  const { applied } = await migrate(database, { log: (line) => console.log(line) });
  console.log(applied.length === 0 ? 'migrations: nothing to apply' : `migrations: applied ${applied.length}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
