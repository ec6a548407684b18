/**
 * Where lavafleet keeps what it needs to pick the music up again after a bot restart. Values are
 * opaque strings (the snapshot format is versioned elsewhere); keys are `/`-separated paths such as
 * `bot/123/players/456`.
 */

import { LavafleetError } from '../errors.js';

/** One key and its value. */
export interface StoreEntry {
  key: string;
  value: string;
}

/** An async key-value store. Every method may be called concurrently; writes to one key apply in call order. */
export interface StateStore {
  /** The value of `key`, or null. */
  get(key: string): Promise<string | null>;
  /** Sets one key. */
  set(key: string, value: string): Promise<void>;
  /** Deletes one key (no error when absent). */
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`, sorted by key (UTF-16 code unit order). */
  list(prefix: string): Promise<StoreEntry[]>;
  /**
   * Applies many sets and deletes as one batch: what a periodic save calls with only the entries that
   * changed. Stores make it atomic where they can (FileStore: all or nothing after a crash). Sets apply
   * before deletes, so a key in both lists ends up deleted.
   */
  write(batch: { set?: StoreEntry[]; delete?: string[] }): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}

/** The code of every error a store throws or reports: I/O failed, data was corrupt, or the store is closed. */
export const STORE_ERROR_CODE = 'ERR_STORE';

/**
 * A batch flattened into `[key, value]` operations, `null` meaning delete: sets first, then deletes,
 * so a key both set and deleted in one batch ends up deleted. Throws when a key or value is not a string.
 * @internal
 */
export function toOperations(batch: {
  set?: StoreEntry[];
  delete?: string[];
}): Array<[string, string | null]> {
  const operations: Array<[string, string | null]> = [];
  for (const entry of batch.set ?? []) {
    assertKey(entry.key);
    if (typeof entry.value !== 'string') {
      throw new LavafleetError(
        STORE_ERROR_CODE,
        `The value for key ${JSON.stringify(entry.key)} is a ${typeof entry.value}; stores take strings, so serialize it first (for example with JSON.stringify)`,
      );
    }
    operations.push([entry.key, entry.value]);
  }
  for (const key of batch.delete ?? []) {
    assertKey(key);
    operations.push([key, null]);
  }
  return operations;
}

/** Throws unless `key` is a string. @internal */
export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new LavafleetError(STORE_ERROR_CODE, `A store key must be a string, received a ${typeof key}`);
  }
}

/** Orders entries by key, comparing UTF-16 code units (the order `list()` promises). @internal */
export function compareEntries(a: StoreEntry, b: StoreEntry): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The error a closed store rejects every call with. @internal */
export function storeClosedError(store: string): LavafleetError {
  return new LavafleetError(STORE_ERROR_CODE, `This ${store} is closed; create a new one to keep using it`);
}
