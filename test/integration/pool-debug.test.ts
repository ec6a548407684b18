import { afterEach, describe, expect, it } from 'vitest';
import type { DebugEvent } from '../../src/node/node-events.js';
import { Pool } from '../../src/pool.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('Pool debug events against the emulator', () => {
  it('real node debug output reaches a pool listener with its scope and data', async () => {
    const emulator = new LavalinkEmulator({ password: 'pw' });
    await emulator.start();
    cleanups.push(() => emulator.stop());
    const pool = new Pool({
      nodes: [{ identifier: 'emu', uri: emulator.url, password: emulator.password }],
      connector: new TestConnector(),
      store: false,
    });
    cleanups.unshift(() => pool.close());
    const events: DebugEvent[] = [];
    pool.on('debug', (event) => void events.push(event));
    await pool.connect();
    expect(events).toContainEqual({
      scope: 'node:emu',
      message: 'opening socket',
      data: { attempt: expect.any(Number) as number, resuming: false },
    });
  });
});
