import 'dotenv/config';
import { loadConfig } from '../config.ts';
import { openStorage } from '../db/openStorage.ts';
import { verifyLedger } from '../ledger/verifyLedger.ts';

/**
 * `npm run ledger:verify`: checks, on the configured database, that every balance equals the sum of
 * its ledger and every running balance is right, and that the lots add up to each balance with none
 * negative (`verifyLedger`). Exits 1 and lists the problems when it is not.
 * Run it while the server is stopped when using the embedded database (PGlite allows one process).
 */
const config = loadConfig();
const storage = await openStorage({ database: config.database });
try {
  const result = await verifyLedger(storage);
  if (result.problemCount === 0) {
    console.log(`ledger:verify ok: ${result.usersChecked} users, ${result.entriesChecked} entries, 0 problems`);
  } else {
    console.error(`ledger:verify FAILED: ${result.problemCount} problems in ${result.usersChecked} users, ${result.entriesChecked} entries`);
    for (const problem of result.problems) console.error(JSON.stringify(problem));
    process.exitCode = 1;
  }
} finally {
  await storage.close();
}
