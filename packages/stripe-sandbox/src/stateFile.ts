import { readFile, rename, writeFile } from 'node:fs/promises';
import { sandboxStateFormatVersion, upgradeSandboxState, type SandboxState } from './sandboxState.ts';

/**
 * Changes are gathered before a write, so a burst of updates is one write. The wait grows with the
 * cost of the last write (ten times it, from 100 ms to 5 s): each write serializes the whole state,
 * so a fixed interval would spend ever more of the process on writes as the state grows, while this
 * keeps it near a tenth whatever the size.
 */
const writeDebounceMinimumMilliseconds = 100;
const writeDebounceMaximumMilliseconds = 5000;
const writeCostFactor = 10;

/**
 * The sandbox state on disk: read once at start, written after changes (debounced), always
 * atomically (a temporary file renamed over the old one) so a crash never leaves half a file,
 * and flushed on close.
 */
export class StateFile {
  private readonly path: string;
  private readonly log: (line: string) => void;
  private getState: (() => SandboxState) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private writing: Promise<void> | null = null;
  private lastWriteMilliseconds = 0;

  constructor(options: { path: string; log: (line: string) => void }) {
    this.path = options.path;
    this.log = options.log;
  }

  /**
   * The saved state, or null when there is no file yet.
   *
   * Errors: throws when the file is not valid JSON or was written by an incompatible sandbox
   * version; the message says which file to delete to start over.
   */
  async load(): Promise<SandboxState | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`Stripe sandbox: ${this.path} is not valid JSON (${String(error)}); delete it to start over.`);
    }
    if (!isSandboxState(parsed)) {
      throw new Error(`Stripe sandbox: ${this.path} has an unknown format (expected formatVersion ${sandboxStateFormatVersion}); delete it to start over.`);
    }
    return upgradeSandboxState(parsed);
  }

  /** Attaches the live state that later writes serialize. */
  attach(getState: () => SandboxState): void {
    this.getState = getState;
  }

  markChanged(): void {
    this.dirty = true;
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writeIfDirty().catch((error: unknown) => this.log(`state write failed: ${String(error)}`));
    }, Math.min(writeDebounceMaximumMilliseconds, Math.max(writeDebounceMinimumMilliseconds, this.lastWriteMilliseconds * writeCostFactor)));
  }

  /** Writes pending changes now and waits for every write to finish. */
  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.writeIfDirty();
  }

  private async writeIfDirty(): Promise<void> {
    // One write at a time; changes made during a write are picked up by the next one.
    while (this.writing !== null) await this.writing;
    if (!this.dirty || this.getState === null) return;
    this.dirty = false;
    const startedAt = performance.now();
    const text = JSON.stringify(this.getState());
    this.writing = this.writeAtomically(text)
      .then(() => {
        this.lastWriteMilliseconds = performance.now() - startedAt;
      })
      .catch((error: unknown) => {
        // Keep the changes pending so the next write retries them.
        this.dirty = true;
        throw error;
      })
      .finally(() => {
        this.writing = null;
      });
    await this.writing;
  }

  private async writeAtomically(text: string): Promise<void> {
    const temporaryPath = `${this.path}.${process.pid}.tmp`;
    // The state holds the webhook signing secret and the API key: readable by this account only.
    await writeFile(temporaryPath, text, { encoding: 'utf8', mode: 0o600 });
    await rename(temporaryPath, this.path);
  }
}

function isSandboxState(value: unknown): value is SandboxState {
  return typeof value === 'object' && value !== null && 'formatVersion' in value && value.formatVersion === sandboxStateFormatVersion;
}
