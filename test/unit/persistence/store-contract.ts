import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../../src/persistence/state-store.js';

/** A fresh, empty store for each test, and a way to open it again on the same data. */
export interface StoreHarness {
  create(): Promise<StateStore>;
  /** Closes `store` and opens another on the same data; omit for stores that keep nothing. */
  reopen?: (store: StateStore) => Promise<StateStore>;
  cleanup?: () => Promise<void>;
}

/** The semantics every {@link StateStore} shares, run against one implementation. */
export function describeStoreContract(name: string, harness: () => StoreHarness): void {
  describe(`${name}: StateStore contract`, () => {
    let current: StoreHarness;
    let store: StateStore;

    beforeEach(async () => {
      current = harness();
      store = await current.create();
    });

    afterEach(async () => {
      await store.close().catch(() => undefined);
      await current.cleanup?.();
    });

    it('returns null for a missing key and the value for a set one', async () => {
      expect(await store.get('a')).toBeNull();
      await store.set('a', '1');
      await store.set('a', '2');
      expect(await store.get('a')).toBe('2');
    });

    it('deletes keys, absent ones included', async () => {
      await store.set('a', '1');
      await store.delete('a');
      await store.delete('never-set');
      expect(await store.get('a')).toBeNull();
    });

    it('lists by prefix, sorted by key', async () => {
      await store.write({
        set: [
          { key: 'bot/1/players/3', value: 'c' },
          { key: 'bot/1/players/10', value: 'a' },
          { key: 'bot/1/players/2', value: 'b' },
          { key: 'bot/2/players/1', value: 'x' },
          { key: 'bot/1', value: 'not under the prefix' },
        ],
      });
      expect(await store.list('bot/1/players/')).toEqual([
        { key: 'bot/1/players/10', value: 'a' },
        { key: 'bot/1/players/2', value: 'b' },
        { key: 'bot/1/players/3', value: 'c' },
      ]);
      expect((await store.list('')).map((entry) => entry.key)).toEqual([
        'bot/1',
        'bot/1/players/10',
        'bot/1/players/2',
        'bot/1/players/3',
        'bot/2/players/1',
      ]);
      expect(await store.list('nothing/')).toEqual([]);
    });

    it('treats glob and regex characters in keys and prefixes literally', async () => {
      const odd = ['a*b', 'a?b', 'a[b]', 'a\\b', 'a.b', 'a^b$', 'a\nb', 'ä/🎵'];
      await store.write({ set: odd.map((key) => ({ key, value: key })) });
      for (const key of odd) {
        expect(await store.list(key)).toEqual([{ key, value: key }]);
      }
      expect((await store.list('a')).length).toBe(odd.length - 1);
    });

    it('applies a batch: sets, then deletes', async () => {
      await store.write({ set: [{ key: 'old', value: '0' }] });
      await store.write({
        set: [
          { key: 'a', value: '1' },
          { key: 'both', value: '2' },
        ],
        delete: ['old', 'both'],
      });
      expect(await store.list('')).toEqual([{ key: 'a', value: '1' }]);
      await store.write({});
      await store.write({ set: [], delete: [] });
      expect(await store.list('')).toEqual([{ key: 'a', value: '1' }]);
    });

    it('rejects a batch with a non-string value and applies none of it', async () => {
      const bad = { key: 'b', value: 42 as unknown as string };
      await expect(store.write({ set: [{ key: 'a', value: '1' }, bad] })).rejects.toMatchObject({
        code: 'ERR_STORE',
      });
      expect(await store.get('a')).toBeNull();
    });

    it('applies concurrent writes to one key in call order', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.set('k', String(i))));
      expect(await store.get('k')).toBe('49');
      await Promise.all([store.set('k', 'set'), store.delete('k')]);
      expect(await store.get('k')).toBeNull();
    });

    it('rejects every call once closed', async () => {
      await store.close();
      await expect(store.get('a')).rejects.toMatchObject({ code: 'ERR_STORE' });
      await expect(store.set('a', '1')).rejects.toMatchObject({ code: 'ERR_STORE' });
      await expect(store.list('')).rejects.toMatchObject({ code: 'ERR_STORE' });
    });

    it('keeps data across close and reopen', async (context) => {
      if (!current.reopen) return context.skip();
      await store.write({
        set: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
        delete: [],
      });
      await store.delete('b');
      const big = 'x'.repeat(100_000);
      await store.set('big', big);
      store = await current.reopen(store);
      expect(await store.list('')).toEqual([
        { key: 'a', value: '1' },
        { key: 'big', value: big },
      ]);
    });
  });
}
