import { requireNumber } from '../util/validate.js';

/**
 * A least-frequently-used cache with O(1) get, set, has and delete.
 *
 * Layout: a Map from key to entry, plus a doubly linked list of frequency buckets in ascending
 * order, each holding a doubly linked list of its entries from least to most recently used. A hit
 * moves the entry to the tail of the next bucket (created if missing, often by bumping its own
 * bucket in place); eviction takes the head of the lowest bucket, so ties in frequency go to the
 * least recently used entry. Evicted entries are reused for the next insertion and emptied buckets
 * are pooled, so a full cache under steady load allocates almost nothing.
 */

/** Why an entry left the cache on its own. */
export type EvictionReason = 'capacity' | 'expired';

/** Options of an {@link LfuCache}. */
export interface LfuCacheOptions<K, V> {
  /** Maximum number of entries; must be an integer >= 1. */
  capacity: number;
  /**
   * Clock for per-entry expiry, in ms.
   * @defaultValue Date.now
   */
  now?: (() => number) | undefined;
  /**
   * Called after an entry is evicted for capacity or found expired; not on `delete`, `clear` or an
   * overwrite. Runs once the cache is consistent again, so it may call back into the cache.
   */
  onEvict?: ((key: K, value: V, reason: EvictionReason) => void) | undefined;
}

/** Options of {@link LfuCache.set}. */
export interface LfuSetOptions {
  /**
   * Time to live from now in ms, checked lazily on read; `0` expires at once.
   * @defaultValue Infinity
   */
  ttlMs?: number | undefined;
}

interface Entry<K, V> {
  key: K;
  value: V;
  /** Epoch ms at which the entry expires; Infinity when it never does. */
  expiresAt: number;
  bucket: Bucket<K, V>;
  prev: Entry<K, V> | null;
  next: Entry<K, V> | null;
}

interface Bucket<K, V> {
  frequency: number;
  /** Least recently used entry of this frequency: the next one evicted. */
  head: Entry<K, V> | null;
  tail: Entry<K, V> | null;
  prev: Bucket<K, V> | null;
  next: Bucket<K, V> | null;
}

/** Emptied buckets kept for reuse; more than this are left to the garbage collector. */
const BUCKET_POOL_SIZE = 32;

/** A generic LFU cache (ties broken by least recent use) with optional per-entry expiry. */
export class LfuCache<K, V> {
  readonly #capacity: number;
  readonly #now: () => number;
  readonly #onEvict: ((key: K, value: V, reason: EvictionReason) => void) | undefined;
  readonly #entries = new Map<K, Entry<K, V>>();
  /** The lowest-frequency bucket: evictions come from its head. */
  #lowest: Bucket<K, V> | null = null;
  readonly #bucketPool: Bucket<K, V>[] = [];

  constructor(options: LfuCacheOptions<K, V>) {
    this.#capacity = requireNumber('capacity', options.capacity, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
    });
    this.#now = options.now ?? Date.now;
    this.#onEvict = options.onEvict;
  }

  /** Maximum number of entries. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Number of entries, including expired ones not read since they expired. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, counting a use; `undefined` when absent or expired (then removed). */
  get(key: K): V | undefined {
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    this.#touch(entry);
    return entry.value;
  }

  /** The value of `key` without counting a use; `undefined` when absent or expired (then removed). */
  peek(key: K): V | undefined {
    return this.#live(key)?.value;
  }

  /** Whether `key` is present and not expired; does not count a use. */
  has(key: K): boolean {
    return this.#live(key) !== undefined;
  }

  /** How many times `key` was set or read (1 after the first `set`), or 0 when absent. */
  frequency(key: K): number {
    return this.#entries.get(key)?.bucket.frequency ?? 0;
  }

  /**
   * Stores `value` under `key`. A new key evicts the least frequently used entry when full; an
   * existing key keeps its count and gains a use (its value and expiry are replaced).
   */
  set(key: K, value: V, options?: LfuSetOptions): this {
    const expiresAt = options?.ttlMs === undefined ? Infinity : this.#expiryOf(options.ttlMs);
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      existing.value = value;
      existing.expiresAt = expiresAt;
      this.#touch(existing);
      return this;
    }
    let evicted: Entry<K, V> | null = null;
    let evictedKey: K | undefined;
    let evictedValue: V | undefined;
    if (this.#entries.size >= this.#capacity && this.#lowest?.head) {
      evicted = this.#lowest.head;
      evictedKey = evicted.key;
      evictedValue = evicted.value;
      this.#unlink(evicted);
      this.#entries.delete(evictedKey);
    }
    const bucket = this.#frequencyOneBucket();
    let entry: Entry<K, V>;
    if (evicted === null) {
      entry = { key, value, expiresAt, bucket, prev: null, next: null };
    } else {
      entry = evicted;
      entry.key = key;
      entry.value = value;
      entry.expiresAt = expiresAt;
    }
    this.#append(bucket, entry);
    this.#entries.set(key, entry);
    if (evicted !== null) this.#onEvict?.(evictedKey as K, evictedValue as V, 'capacity');
    return this;
  }

  /** Removes `key`. Returns whether it was present. */
  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#unlink(entry);
    this.#entries.delete(key);
    return true;
  }

  /** Removes every entry (without calling `onEvict`). */
  clear(): void {
    this.#entries.clear();
    this.#lowest = null;
  }

  /** Keys in eviction order: the next one evicted first. Expired entries are included. */
  *keys(): IterableIterator<K> {
    for (let bucket = this.#lowest; bucket; bucket = bucket.next) {
      for (let entry = bucket.head; entry; entry = entry.next) yield entry.key;
    }
  }

  #expiryOf(ttlMs: number): number {
    requireNumber('ttlMs', ttlMs, { min: 0 });
    return ttlMs === Infinity ? Infinity : this.#now() + ttlMs;
  }

  /** The entry of `key` if present and not expired; an expired one is removed and reported. */
  #live(key: K): Entry<K, V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt === Infinity || entry.expiresAt > this.#now()) return entry;
    this.#unlink(entry);
    this.#entries.delete(key);
    this.#onEvict?.(entry.key, entry.value, 'expired');
    return undefined;
  }

  /** Counts a use: moves the entry to the tail of the next frequency's bucket. */
  #touch(entry: Entry<K, V>): void {
    const bucket = entry.bucket;
    const frequency = bucket.frequency + 1;
    let target = bucket.next;
    if (target === null || target.frequency !== frequency) {
      if (bucket.head === entry && bucket.tail === entry) {
        // Alone in its bucket and no bucket for the next frequency: bump the bucket in place.
        bucket.frequency = frequency;
        return;
      }
      target = this.#newBucket(frequency);
      target.prev = bucket;
      target.next = bucket.next;
      if (bucket.next) bucket.next.prev = target;
      bucket.next = target;
    }
    this.#unlink(entry);
    this.#append(target, entry);
  }

  /** The bucket of frequency 1, creating it at the bottom of the list when missing. */
  #frequencyOneBucket(): Bucket<K, V> {
    const lowest = this.#lowest;
    if (lowest !== null && lowest.frequency === 1) return lowest;
    const bucket = this.#newBucket(1);
    bucket.next = lowest;
    if (lowest) lowest.prev = bucket;
    this.#lowest = bucket;
    return bucket;
  }

  #append(bucket: Bucket<K, V>, entry: Entry<K, V>): void {
    entry.bucket = bucket;
    entry.prev = bucket.tail;
    entry.next = null;
    if (bucket.tail) bucket.tail.next = entry;
    else bucket.head = entry;
    bucket.tail = entry;
  }

  /** Takes the entry out of its bucket, dropping the bucket if it becomes empty. */
  #unlink(entry: Entry<K, V>): void {
    const bucket = entry.bucket;
    if (entry.prev) entry.prev.next = entry.next;
    else bucket.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else bucket.tail = entry.prev;
    entry.prev = null;
    entry.next = null;
    if (bucket.head === null) this.#dropBucket(bucket);
  }

  #dropBucket(bucket: Bucket<K, V>): void {
    if (bucket.prev) bucket.prev.next = bucket.next;
    else this.#lowest = bucket.next;
    if (bucket.next) bucket.next.prev = bucket.prev;
    bucket.prev = null;
    bucket.next = null;
    if (this.#bucketPool.length < BUCKET_POOL_SIZE) this.#bucketPool.push(bucket);
  }

  #newBucket(frequency: number): Bucket<K, V> {
    const bucket = this.#bucketPool.pop();
    if (bucket === undefined) return { frequency, head: null, tail: null, prev: null, next: null };
    bucket.frequency = frequency;
    return bucket;
  }
}
