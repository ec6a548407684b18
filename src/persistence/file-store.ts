/**
 * The default {@link StateStore}: a directory on the local disk that survives `kill -9` and power cuts.
 *
 * Layout: one base snapshot plus numbered segments, each segment holding the changes of one commit
 * (see `file-store/format.ts`). A `write()` costs one new segment the size of what changed, never a
 * rewrite of everything. Every file is written to a temporary name, fsync'd, renamed into place and
 * the directory fsync'd, so a crash leaves each file either absent or complete, and a write is
 * acknowledged only once durable. Opening loads the newest valid base and applies the newer segments
 * in order.
 *
 * Writes go through one queue. Calls that arrive while a segment is being written are grouped into
 * the next segment (each batch stays whole), so many small writes do not cost one fsync each. When
 * segments pile up, a compaction writes a new base in the background (a copy of the entries taken
 * between two commits, so writes keep flowing) and then deletes the segments it covers.
 *
 * Reads are served from memory and see every acknowledged write. One process per directory.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { ErrorCodes, LavafleetError } from '../errors.js';
import { syncDirectory, writeStoreFile } from './file-store/atomic-file.js';
import { encodeLine, fileName, type Operation } from './file-store/format.js';
import { apply, loadDirectory, type LoadedState } from './file-store/load.js';
import { resolveFileStoreOptions, type FileStoreInput, type FileStoreOptions } from './file-store/options.js';
import {
  STORE_ERROR_CODE,
  assertKey,
  compareEntries,
  storeClosedError,
  toOperations,
  type StateStore,
  type StoreEntry,
} from './state-store.js';

export { DEFAULT_FILE_STORE_OPTIONS, resolveFileStoreOptions } from './file-store/options.js';
export type { FileStoreInput, FileStoreOptions } from './file-store/options.js';

interface PendingBatch {
  readonly operations: Operation[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Bases are streamed to disk in pieces of about this many characters. */
const BASE_CHUNK_CHARS = 1024 * 1024;

/**
 * A crash-safe, incremental {@link StateStore} in a local directory (the default store).
 *
 * @example
 * ```ts
 * const store = new FileStore({ directory: './data/lavafleet' });
 * await store.write({ set: [{ key: 'bot/1/players/2', value: snapshotJson }], delete: ['bot/1/players/3'] });
 * const players = await store.list('bot/1/players/');
 * await store.close();
 * ```
 */
export class FileStore implements StateStore {
  /** The resolved options. */
  readonly options: Readonly<FileStoreOptions>;
  #state: Promise<LoadedState> | null = null;
  #pending: PendingBatch[] = [];
  #draining: Promise<void> | null = null;
  #compaction: Promise<void> | null = null;
  #compactionFailures = 0;
  #isClosed = false;

  constructor(options: FileStoreInput) {
    this.options = resolveFileStoreOptions(options);
  }

  /** The value of `key`, or null. */
  async get(key: string): Promise<string | null> {
    assertKey(key);
    const state = await this.#openForCall();
    return state.entries.get(key) ?? null;
  }

  /** Sets one key. */
  set(key: string, value: string): Promise<void> {
    return this.write({ set: [{ key, value }] });
  }

  /** Deletes one key (no error when absent). */
  delete(key: string): Promise<void> {
    return this.write({ delete: [key] });
  }

  /** Every entry whose key starts with `prefix`, sorted by key. */
  async list(prefix: string): Promise<StoreEntry[]> {
    assertKey(prefix);
    const state = await this.#openForCall();
    const found: StoreEntry[] = [];
    for (const [key, value] of state.entries) {
      if (key.startsWith(prefix)) found.push({ key, value });
    }
    return found.sort(compareEntries);
  }

  /** Applies the batch atomically: after a crash, either all of it is on disk or none. Resolves once durable. */
  async write(batch: { set?: StoreEntry[]; delete?: string[] }): Promise<void> {
    if (this.#isClosed) throw storeClosedError('FileStore');
    if (this.options.readOnly) throw readOnlyError(this.options.directory);
    const operations = toOperations(batch);
    await new Promise<void>((resolve, reject) => {
      this.#pending.push({ operations, resolve, reject });
      // #drain always awaits before it can finish, so the field is set before it is cleared.
      this.#draining ??= this.#drain();
    });
  }

  /** Merges every segment into a new base now, instead of waiting for the thresholds. */
  async compact(): Promise<void> {
    if (this.options.readOnly) throw readOnlyError(this.options.directory);
    const state = await this.#openForCall();
    while (this.#compaction) await this.#compaction;
    if (state.segments.length === 0) return;
    await this.#startCompaction(state).catch((error: unknown) => {
      throw toStoreError(error, 'compact', this.options.directory);
    });
  }

  /** Waits for pending writes and any running compaction; later calls reject. */
  async close(): Promise<void> {
    this.#isClosed = true;
    while (this.#draining || this.#compaction) {
      await this.#draining;
      await this.#compaction;
    }
    this.#state = null;
  }

  #openForCall(): Promise<LoadedState> {
    if (this.#isClosed) return Promise.reject(storeClosedError('FileStore'));
    return this.#load();
  }

  #load(): Promise<LoadedState> {
    const { directory, readOnly } = this.options;
    this.#state ??= loadDirectory(directory, (error) => this.#report(error), { readOnly }).then(
      (state) => {
        this.#maybeCompact(state);
        return state;
      },
      (error: unknown) => {
        this.#state = null; // let the next call try again (the directory may become readable)
        throw toStoreError(error, 'open', this.options.directory);
      },
    );
    return this.#state;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batches = this.#pending.splice(0);
        try {
          await this.#commit(batches.flatMap((batch) => batch.operations));
          for (const batch of batches) batch.resolve();
        } catch (error) {
          const failure = toStoreError(error, 'write', this.options.directory);
          for (const batch of batches) batch.reject(failure);
        }
      }
    } finally {
      this.#draining = null;
    }
  }

  /** Writes one segment holding `operations` (later ones win) and applies it in memory. */
  async #commit(operations: Operation[]): Promise<void> {
    const state = await this.#load();
    const changes = new Map<string, string | null>();
    for (const [key, value] of operations) changes.set(key, value);
    if (changes.size === 0) return;
    let body = '';
    for (const [key, value] of changes) body += encodeLine(key, value);
    const seq = state.lastSeq + 1;
    const { directory, fsync } = this.options;
    const bytes = await writeStoreFile(directory, 'segment', seq, [body], fsync);
    // The segment is visible from here on: memory follows it, even if the directory sync below fails.
    state.lastSeq = seq;
    apply(state.entries, changes);
    state.segments.push({ seq, bytes });
    this.#maybeCompact(state);
    if (fsync) await syncDirectory(directory);
  }

  #maybeCompact(state: LoadedState): void {
    if (this.#compaction || this.#isClosed || this.options.readOnly) return;
    // After a failure, wait for proportionally more segments before trying again.
    const factor = this.#compactionFailures + 1;
    const segmentBytes = state.segments.reduce((sum, segment) => sum + segment.bytes, 0);
    if (
      state.segments.length < this.options.compactAfterSegments * factor &&
      segmentBytes < this.options.compactAfterBytes * factor
    ) {
      return;
    }
    this.#startCompaction(state).catch((error: unknown) =>
      this.#report(toStoreError(error, 'compact', this.options.directory)),
    );
  }

  /** Starts writing a base of the current entries; the returned promise rejects, `#compaction` never does. */
  #startCompaction(state: LoadedState): Promise<void> {
    // Every commit updates lastSeq and the entries in one synchronous step, so this copy is exactly
    // the state after segment `lastSeq`.
    const run = this.#writeBase(state, state.lastSeq, Array.from(state.entries));
    this.#compaction = run
      .then(
        () => void (this.#compactionFailures = 0),
        () => void (this.#compactionFailures += 1),
      )
      .finally(() => {
        this.#compaction = null;
      });
    return run;
  }

  async #writeBase(state: LoadedState, seq: number, entries: Array<[string, string]>): Promise<void> {
    const { directory, fsync } = this.options;
    await writeStoreFile(directory, 'base', seq, baseChunks(entries), fsync);
    if (fsync) await syncDirectory(directory);
    // The new base is durable: what it covers can go. A crash before the deletions finish is tidied on open.
    const previousBase = state.baseSeq;
    const merged = state.segments.filter((segment) => segment.seq <= seq);
    state.segments = state.segments.filter((segment) => segment.seq > seq);
    state.baseSeq = seq;
    for (const segment of merged)
      await rm(join(directory, fileName('segment', segment.seq)), { force: true });
    if (previousBase > 0) await rm(join(directory, fileName('base', previousBase)), { force: true });
  }

  #report(error: LavafleetError): void {
    try {
      this.options.onError(error);
    } catch (listenerError) {
      process.emitWarning(
        new LavafleetError(ErrorCodes.ListenerError, 'FileStore onError threw', { cause: listenerError }),
      );
    }
  }
}

function* baseChunks(entries: Array<[string, string]>): Generator<string> {
  let chunk = '';
  for (const [key, value] of entries) {
    chunk += encodeLine(key, value);
    if (chunk.length >= BASE_CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

function toStoreError(error: unknown, action: string, directory: string): LavafleetError {
  if (error instanceof LavafleetError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LavafleetError(
    STORE_ERROR_CODE,
    `FileStore could not ${action} in ${directory}: ${reason}. Check that the directory is writable and the disk has space.`,
    { cause: error },
  );
}

function readOnlyError(directory: string): LavafleetError {
  return new LavafleetError(
    STORE_ERROR_CODE,
    `This FileStore of ${directory} was opened with readOnly: it reads what the owning process wrote and writes nothing; write through the owner's store`,
  );
}
