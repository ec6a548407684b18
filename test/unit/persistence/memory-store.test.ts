import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/persistence/memory-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('MemoryStore', () => ({ create: () => Promise.resolve(new MemoryStore()) }));

describe('MemoryStore', () => {
  it('counts its keys and drops them on close', async () => {
    const store = new MemoryStore();
    await store.write({
      set: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
    expect(store.size).toBe(2);
    await store.close();
    expect(store.size).toBe(0);
  });

  it('rejects a non-string key', async () => {
    const store = new MemoryStore();
    await expect(store.get(1 as unknown as string)).rejects.toMatchObject({ code: 'ERR_STORE' });
    await expect(store.write({ delete: [null as unknown as string] })).rejects.toMatchObject({
      code: 'ERR_STORE',
    });
  });
});
