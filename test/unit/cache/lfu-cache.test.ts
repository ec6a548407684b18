import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { type EvictionReason, LfuCache } from '../../../src/cache/lfu-cache.js';

function recorder() {
  const evicted: [string, number, EvictionReason][] = [];
  const onEvict = (key: string, value: number, reason: EvictionReason) => evicted.push([key, value, reason]);
  return { evicted, onEvict };
}

describe('LfuCache', () => {
  it('stores, reads, overwrites and deletes', () => {
    const cache = new LfuCache<string, number>({ capacity: 3 });
    expect(cache.capacity).toBe(3);
    expect(cache.set('a', 1)).toBe(cache);
    expect(cache.get('a')).toBe(1);
    expect(cache.has('a')).toBe(true);
    expect(cache.get('missing')).toBeUndefined();
    cache.set('a', 2);
    expect(cache.get('a')).toBe(2);
    expect(cache.size).toBe(1);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.has('a')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('evicts the least frequently used entry', () => {
    const { evicted, onEvict } = recorder();
    const cache = new LfuCache<string, number>({ capacity: 3, onEvict });
    cache.set('a', 1).set('b', 2).set('c', 3);
    cache.get('a');
    cache.get('a');
    cache.get('c');
    cache.set('d', 4); // b has frequency 1, the lowest
    expect(evicted).toEqual([['b', 2, 'capacity']]);
    expect([...cache.keys()]).toEqual(['d', 'c', 'a']);
    cache.set('e', 5); // d is now the only entry at frequency 1
    expect(evicted.at(-1)).toEqual(['d', 4, 'capacity']);
  });

  it('breaks frequency ties by least recent use', () => {
    const { evicted, onEvict } = recorder();
    const cache = new LfuCache<string, number>({ capacity: 3, onEvict });
    cache.set('a', 1).set('b', 2).set('c', 3);
    // All reach frequency 2, in the order b, c, a: b is the least recently used of them.
    cache.get('b');
    cache.get('c');
    cache.get('a');
    expect([...cache.keys()]).toEqual(['b', 'c', 'a']);
    cache.set('x', 0);
    cache.get('x'); // x reaches frequency 2 too, most recently: c is now the least recent
    cache.set('y', 0);
    cache.set('z', 0); // y (frequency 1) goes before any frequency-2 entry, although it is newer
    expect(evicted.map(([key]) => key)).toEqual(['b', 'c', 'y']);
  });

  it('counts set on an existing key as a use and keeps its frequency', () => {
    const cache = new LfuCache<string, number>({ capacity: 2 });
    cache.set('a', 1).set('b', 1);
    cache.set('a', 2);
    expect(cache.frequency('a')).toBe(2);
    expect(cache.frequency('b')).toBe(1);
    expect(cache.frequency('zzz')).toBe(0);
    cache.set('c', 1);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')).toBe(2);
  });

  it('peek and has do not count a use', () => {
    const cache = new LfuCache<string, number>({ capacity: 2 });
    cache.set('a', 1).set('b', 2);
    cache.get('b');
    expect(cache.peek('a')).toBe(1);
    expect(cache.has('a')).toBe(true);
    expect(cache.frequency('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.has('a')).toBe(false);
  });

  it('keeps a capacity of 1 working', () => {
    const cache = new LfuCache<string, number>({ capacity: 1 });
    cache.set('a', 1);
    cache.get('a');
    cache.set('b', 2);
    expect([...cache.keys()]).toEqual(['b']);
    expect(cache.get('a')).toBeUndefined();
  });

  it('expires entries lazily against the injected now()', () => {
    let now = 1_000;
    const { evicted, onEvict } = recorder();
    const cache = new LfuCache<string, number>({ capacity: 5, now: () => now, onEvict });
    cache.set('short', 1, { ttlMs: 100 });
    cache.set('forever', 2);
    cache.set('none', 3, { ttlMs: undefined });
    now = 1_099;
    expect(cache.get('short')).toBe(1);
    now = 1_100;
    expect(cache.size).toBe(3); // lazily: still held until read
    expect(cache.get('short')).toBeUndefined();
    expect(cache.size).toBe(2);
    expect(evicted).toEqual([['short', 1, 'expired']]);
    now = 1e12;
    expect(cache.get('forever')).toBe(2);
    expect(cache.get('none')).toBe(3);
  });

  it('treats ttlMs 0 as already expired, and peek/has drop expired entries too', () => {
    let now = 0;
    const cache = new LfuCache<string, number>({ capacity: 5, now: () => now });
    cache.set('zero', 1, { ttlMs: 0 });
    expect(cache.has('zero')).toBe(false);
    cache.set('a', 1, { ttlMs: 10 });
    now = 10;
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('replaces the expiry on overwrite', () => {
    let now = 0;
    const cache = new LfuCache<string, number>({ capacity: 5, now: () => now });
    cache.set('a', 1, { ttlMs: 10 });
    cache.set('a', 2);
    now = 100;
    expect(cache.get('a')).toBe(2);
  });

  it('does not call onEvict on delete, clear or overwrite, and works after clear', () => {
    const { evicted, onEvict } = recorder();
    const cache = new LfuCache<string, number>({ capacity: 2, onEvict });
    cache.set('a', 1).set('a', 2).set('b', 3);
    cache.delete('a');
    cache.clear();
    expect(cache.size).toBe(0);
    expect([...cache.keys()]).toEqual([]);
    cache.set('c', 1).set('d', 2).set('e', 3);
    expect(evicted).toEqual([['c', 1, 'capacity']]);
  });

  it('lets onEvict call back into the cache', () => {
    const cache: LfuCache<string, number> = new LfuCache<string, number>({
      capacity: 2,
      onEvict: (key) => {
        if (key === 'a') cache.set('a-evicted', 0);
      },
    });
    cache.set('a', 1).set('b', 2).set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.has('a-evicted')).toBe(true);
  });

  it('stays consistent under a random workload (checked against a reference model)', () => {
    const capacity = 8;
    const cache = new LfuCache<number, number>({ capacity });
    // Reference: frequency and last-use tick per key; evict min (frequency, tick).
    const model = new Map<number, { value: number; frequency: number; tick: number }>();
    let tick = 0;
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i += 1) {
      const key = Math.floor(next() * 20);
      const op = next();
      tick += 1;
      if (op < 0.5) {
        const entry = model.get(key);
        if (entry) Object.assign(entry, { frequency: entry.frequency + 1, tick });
        expect(cache.get(key)).toBe(entry?.value);
      } else if (op < 0.9) {
        const entry = model.get(key);
        if (entry) Object.assign(entry, { value: i, frequency: entry.frequency + 1, tick });
        else {
          if (model.size >= capacity) {
            const victim = [...model].sort(
              ([, x], [, y]) => x.frequency - y.frequency || x.tick - y.tick,
            )[0]!;
            model.delete(victim[0]);
          }
          model.set(key, { value: i, frequency: 1, tick });
        }
        cache.set(key, i);
      } else {
        expect(cache.delete(key)).toBe(model.delete(key));
      }
      expect(cache.size).toBe(model.size);
    }
    const expected = [...model].sort(([, x], [, y]) => x.frequency - y.frequency || x.tick - y.tick);
    expect([...cache.keys()]).toEqual(expected.map(([key]) => key));
  });

  it('handles 100k entries with constant-time operations', () => {
    const cache = new LfuCache<number, number>({ capacity: 100_000 });
    const started = performance.now();
    for (let i = 0; i < 200_000; i += 1) cache.set(i, i);
    for (let i = 100_000; i < 200_000; i += 1) cache.get(i);
    for (let i = 0; i < 100_000; i += 1) cache.set(200_000 + i, i);
    const elapsed = performance.now() - started;
    expect(cache.size).toBe(100_000);
    // Each of the 400k operations must stay O(1): a linear scan would take minutes here.
    expect(elapsed).toBeLessThan(2_000);
    // The entries read once (frequency 2) survived the last wave of inserts.
    expect(cache.has(150_000)).toBe(true);
    expect(cache.has(200_000)).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, '10'])('rejects capacity %s naming the option', (capacity) => {
    const run = () => new LfuCache({ capacity: capacity as number });
    expect(run).toThrow('`capacity`');
    let code: unknown;
    try {
      run();
    } catch (error) {
      code = (error as { code?: unknown }).code;
    }
    expect(code).toBe(ErrorCodes.InvalidOption);
  });

  it('rejects an invalid ttlMs', () => {
    const cache = new LfuCache<string, number>({ capacity: 1 });
    expect(() => cache.set('a', 1, { ttlMs: -1 })).toThrow('`ttlMs`');
    expect(cache.size).toBe(0);
  });
});
