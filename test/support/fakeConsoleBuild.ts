import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A stand-in for `console/dist` in a temporary folder: `index.html` titled "Topup console" plus
 * `files` (paths relative to the folder), so HTTP suites can serve a console without building one.
 * `{ index: false }` leaves the folder empty, as before `npm run build:console`.
 */
export function fakeConsoleBuild(files: Record<string, string> = {}, options: { index?: boolean } = {}): { directory: string; remove(): void } {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'topup-console-'));
  const all = options.index === false ? files : { 'index.html': '<!doctype html><title>Topup console</title>', ...files };
  for (const [name, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), content);
  }
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
