import { describe, expect, it } from 'vitest';
import { resolvePoolOptions } from '../../../src/pool/pool-options.js';
import type { PoolOptions } from '../../../src/pool/pool-options.js';
import { TestConnector } from '../../../src/testing/index.js';

const base = (): PoolOptions => ({
  nodes: [],
  connector: new TestConnector({ userId: '100000000000000001' }),
  store: false,
});

describe('resolvePoolOptions: failover', () => {
  it('defaults to at least 50 and at most 1,000 moves at once', () => {
    const { failover } = resolvePoolOptions(base());
    expect(failover).toMatchObject({ concurrency: 50, maxConcurrency: 1_000 });
  });

  it('raises the default ceiling to a floor above it', () => {
    const { failover } = resolvePoolOptions({ ...base(), failover: { concurrency: 1_500 } });
    expect(failover).toMatchObject({ concurrency: 1_500, maxConcurrency: 1_500 });
  });

  it('takes a fixed limit (ceiling equal to the floor)', () => {
    const { failover } = resolvePoolOptions({ ...base(), failover: { concurrency: 20, maxConcurrency: 20 } });
    expect(failover).toMatchObject({ concurrency: 20, maxConcurrency: 20 });
  });

  it.each([
    [{ concurrency: 0 }, /failover\.concurrency/],
    [{ concurrency: 2.5 }, /failover\.concurrency/],
    [{ maxConcurrency: 10 }, /failover\.maxConcurrency.*from 50/],
    [{ maxConcurrency: '100' }, /failover\.maxConcurrency/],
  ])('rejects %j with an error naming the option', (failover, message) => {
    expect(() => resolvePoolOptions({ ...base(), failover: failover as never })).toThrow(message);
    try {
      resolvePoolOptions({ ...base(), failover: failover as never });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ERR_INVALID_OPTION');
    }
  });
});
