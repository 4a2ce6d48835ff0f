import fs from 'node:fs/promises';
import path from 'node:path';
import type { StoredMail } from './mailTypes.ts';

export interface MailStore {
  /** The folder the mail is kept in (`DATA_DIR/mail`). */
  directory: string;
  /** Keeps one mail (written atomically), then removes the oldest beyond the bound. */
  save(mail: StoredMail): Promise<void>;
  /** The newest `first` mails, newest first. */
  list(first: number): Promise<StoredMail[]>;
}

/** How many mails `DATA_DIR/mail` keeps by default: the newest 1,000. */
export const storedMailMax = 1000;

/**
 * Where mail goes when no SMTP_URL is configured (development: `npm start` needs no mail server):
 * one JSON file per mail in `directory`, named `<sentAt epoch ms, 15 digits>-<outbox id>.json` so the
 * names sort by age. Each is written to a temporary name and renamed, so a reader never sees half a
 * file; after each save only the newest `keepMax` are kept.
 */
export function createMailStore(options: { directory: string; keepMax?: number }): MailStore {
  const { directory } = options;
  const keepMax = options.keepMax ?? storedMailMax;

  async function mailFileNames(): Promise<string[]> {
    const names = await fs.readdir(directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names.filter((name) => /^\d{15}-\d+\.json$/.test(name)).sort();
  }

  return {
    directory,
    async save(mail) {
      await fs.mkdir(directory, { recursive: true, mode: 0o700 });
      const name = `${String(Date.parse(mail.sentAt)).padStart(15, '0')}-${mail.id}.json`;
      const temporary = path.join(directory, `.${name}.${process.pid}.tmp`);
      await fs.writeFile(temporary, `${JSON.stringify(mail, null, 2)}\n`, { mode: 0o600 });
      await fs.rename(temporary, path.join(directory, name));
      const names = await mailFileNames();
      for (const old of names.slice(0, Math.max(0, names.length - keepMax))) {
        await fs.rm(path.join(directory, old), { force: true });
      }
    },
    async list(first) {
      const names = (await mailFileNames()).reverse().slice(0, first);
      const mails = await Promise.all(
        names.map((name) =>
          fs
            .readFile(path.join(directory, name), 'utf8')
            .then((text) => JSON.parse(text) as StoredMail)
            // Removed by a concurrent save's pruning between the listing and the read.
            .catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error))),
        ),
      );
      return mails.filter((mail): mail is StoredMail => mail !== null);
    },
  };
}
