import {
  assertKey,
  compareEntries,
  storeClosedError,
  toOperations,
  type StateStore,
  type StoreEntry,
} from './state-store.js';

/**
 * A {@link StateStore} kept in a `Map`: nothing survives the process. Meant for tests and for bots
 * that do not need to resume after a restart. Same semantics as the other stores: `list()` is sorted
 * by key and a `write()` batch applies all at once.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * await store.write({ set: [{ key: 'bot/1/players/2', value: '{}' }] });
 * await store.list('bot/1/'); // [{ key: 'bot/1/players/2', value: '{}' }]
 * ```
 */
export class MemoryStore implements StateStore {
  readonly #entries = new Map<string, string>();
  #isClosed = false;

  /** The number of keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, or null. */
  get(key: string): Promise<string | null> {
    return this.#run(() => {
      assertKey(key);
      return this.#entries.get(key) ?? null;
    });
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
  list(prefix: string): Promise<StoreEntry[]> {
    return this.#run(() => {
      assertKey(prefix);
      const found: StoreEntry[] = [];
      for (const [key, value] of this.#entries) {
        if (key.startsWith(prefix)) found.push({ key, value });
      }
      return found.sort(compareEntries);
    });
  }

  /** Applies the batch at once, or (when a key or value is invalid) not at all. */
  write(batch: { set?: StoreEntry[]; delete?: string[] }): Promise<void> {
    return this.#run(() => {
      for (const [key, value] of toOperations(batch)) {
        if (value === null) this.#entries.delete(key);
        else this.#entries.set(key, value);
      }
    });
  }

  /** Drops every entry; later calls reject. */
  close(): Promise<void> {
    this.#isClosed = true;
    this.#entries.clear();
    return Promise.resolve();
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into a rejection
  async #run<T>(operation: () => T): Promise<T> {
    if (this.#isClosed) throw storeClosedError('MemoryStore');
    return operation();
  }
}
