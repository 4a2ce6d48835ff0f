import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
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
 * A write gathers this much JSON text before handing it to the file. The state is serialized record
 * by record into chunks this size, never into one string of the whole state: a string that large
 * goes straight to V8's old generation, and rewriting a few megabytes of them several times a second
 * made the collector let the heap (and the server's RSS) swell before it collected.
 */
const writeChunkCharacters = 64 * 1024;

/**
 * The sandbox state on disk: read once at start, written after changes (debounced), always
 * atomically (a temporary file renamed over the old one) so a crash never leaves half a file,
 * and flushed on close. Before each write, `beforeWrite` (the retention) may trim the state.
 */
export class StateFile {
  private readonly path: string;
  private readonly log: (line: string) => void;
  private getState: (() => SandboxState) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private writing: Promise<void> | null = null;
  private lastWriteMilliseconds = 0;
  private readonly beforeWrite: (state: SandboxState) => void;

  constructor(options: { path: string; log: (line: string) => void; beforeWrite?: (state: SandboxState) => void }) {
    this.path = options.path;
    this.log = options.log;
    this.beforeWrite = options.beforeWrite ?? (() => {});
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
    const state = this.getState();
    this.beforeWrite(state);
    this.writing = this.writeAtomically(state)
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

  private async writeAtomically(state: SandboxState): Promise<void> {
    const temporaryPath = `${this.path}.${process.pid}.tmp`;
    // Written synchronously, in one turn of the event loop, so the file is one moment's state (no
    // request changes it half way); only the rename waits.
    // The state holds the webhook signing secret and the API key: readable by this account only.
    const file = openSync(temporaryPath, 'w', 0o600);
    try {
      let chunk = '';
      for (const piece of serializedPieces(state)) {
        chunk += piece;
        if (chunk.length >= writeChunkCharacters) {
          writeSync(file, chunk, null, 'utf8');
          chunk = '';
        }
      }
      writeSync(file, chunk, null, 'utf8');
    } finally {
      closeSync(file);
    }
    await rename(temporaryPath, this.path);
  }
}

/**
 * `JSON.stringify(state)` in pieces: the top-level fields, and each collection record by record.
 * Each piece is garbage as soon as its chunk is written, so a write allocates little that outlives
 * a young-generation collection.
 */
function* serializedPieces(state: SandboxState): Generator<string> {
  let firstField = true;
  for (const [field, value] of Object.entries(state)) {
    yield `${firstField ? '{' : ','}${JSON.stringify(field)}:`;
    firstField = false;
    if (typeof value !== 'object' || value === null) {
      yield JSON.stringify(value);
      continue;
    }
    let firstRecord = true;
    for (const [id, record] of Object.entries(value as Record<string, unknown>)) {
      // As JSON.stringify does, a property whose value is undefined is left out.
      if (record === undefined) continue;
      yield `${firstRecord ? '{' : ','}${JSON.stringify(id)}:${JSON.stringify(record)}`;
      firstRecord = false;
    }
    yield firstRecord ? '{}' : '}';
  }
  yield firstField ? '{}' : '}';
}

function isSandboxState(value: unknown): value is SandboxState {
  return typeof value === 'object' && value !== null && 'formatVersion' in value && value.formatVersion === sandboxStateFormatVersion;
}
