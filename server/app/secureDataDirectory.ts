import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * `DATA_DIR` holds the embedded database, the dev-auth signing key (anyone holding it can mint admin
 * tokens) and the Stripe sandbox's state with its webhook secret: it is created private (0700), and
 * an existing one that others can read is tightened, with a warning, rather than trusted silently.
 */
export async function secureDataDirectory(directory: string, warn: (message: string) => void): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const { mode } = await stat(directory);
  if ((mode & 0o077) !== 0) {
    await chmod(directory, 0o700);
    warn(`DATA_DIR ${directory} was readable by others (mode ${(mode & 0o777).toString(8)}); it is now 0700`);
  }
}

/**
 * Takes group and other permissions off everything below `directory`. PGlite's file system layer
 * (Emscripten's NODEFS) creates its files 0666 whatever the process umask, so after the embedded
 * database is opened its files are tightened here; files it creates later are still guarded by the
 * 0700 directory above them.
 */
export async function tightenFileModes(directory: string): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    const { mode } = await stat(full);
    if ((mode & 0o077) !== 0) await chmod(full, mode & 0o700);
    if (entry.isDirectory()) await tightenFileModes(full);
  }
}
