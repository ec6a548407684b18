import { afterEach, describe, expect, it } from 'vitest';
import { Node } from '../../../src/node/node.js';
import type { DebugEvent } from '../../../src/node/node-events.js';
import { Pool } from '../../../src/pool.js';
import { TestConnector } from '../../../src/testing/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function idlePool(): Pool {
  const pool = new Pool({
    nodes: [{ identifier: 'main', uri: '127.0.0.1:1', password: 'pw' }],
    connector: new TestConnector(),
    store: false,
  });
  cleanups.push(() => pool.close());
  return pool;
}

function counter(): { build: () => Record<string, unknown>; calls: () => number } {
  let calls = 0;
  return {
    build: () => {
      calls += 1;
      return { calls };
    },
    calls: () => calls,
  };
}

describe('debug events are cheap when nobody listens', () => {
  it('a lone node builds no payload without a listener, and one with', () => {
    const node = new Node({ uri: '127.0.0.1:1', password: 'pw', userId: '1' });
    const data = counter();
    node.debug('quiet', data.build);
    expect(data.calls()).toBe(0);
    const events: DebugEvent[] = [];
    node.on('debug', (event) => void events.push(event));
    node.debug('heard', data.build);
    expect(data.calls()).toBe(1);
    expect(events).toEqual([{ scope: 'node:127.0.0.1:1', message: 'heard', data: { calls: 1 } }]);
  });

  it('a node in a pool builds no payload while nobody listens on the pool', () => {
    const pool = idlePool();
    const node = pool.getNode('main')!;
    const data = counter();
    node.debug('quiet', data.build);
    expect(data.calls()).toBe(0);

    const events: DebugEvent[] = [];
    const off = pool.on('debug', (event) => void events.push(event));
    node.debug('heard', data.build);
    expect(data.calls()).toBe(1);
    expect(events).toEqual([{ scope: 'node:main', message: 'heard', data: { calls: 1 } }]);

    off();
    node.debug('quiet again', data.build);
    expect(data.calls()).toBe(1);
  });

  it('a removed node stops relaying to the pool', async () => {
    const pool = idlePool();
    const node = pool.getNode('main')!;
    const events: DebugEvent[] = [];
    pool.on('debug', (event) => void events.push(event));
    await pool.removeNode('main', { movePlayers: false });
    const data = counter();
    node.debug('after removal', data.build);
    expect(data.calls()).toBe(0);
    expect(events).toEqual([]);
  });
});

describe('REST request events are cheap when nobody listens', () => {
  it('the pool does not listen on its nodes: a node builds REST events only for a pool listener', () => {
    const pool = idlePool();
    const node = pool.getNode('main')!;
    // Before the relay, the pool forwarded restRequest with a listener, so every attempt built an event.
    expect(node.hasListeners('restRequest')).toBe(false);
    expect(pool.hasListeners('nodeRestRequest')).toBe(false);
  });
});
