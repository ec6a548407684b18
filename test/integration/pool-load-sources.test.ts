/** pool.load goes to a node whose source managers can serve the identifier. */
import { afterEach, expect, it } from 'vitest';
import { Pool } from '../../src/pool.js';
import { requiredSource } from '../../src/pool/load.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { waitFor } from '../helpers/events.js';

let emulators: LavalinkEmulator[] = [];
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  await Promise.all(emulators.map((e) => e.stop()));
});

it('maps identifiers to the source manager they need', () => {
  expect(requiredSource('ytsearch:a')).toBe('youtube');
  expect(requiredSource('scsearch:a')).toBe('soundcloud');
  expect(requiredSource('sprec:seed')).toBe('spotify');
  expect(requiredSource('https://www.youtube.com/watch?v=x')).toBe('youtube');
  expect(requiredSource('https://soundcloud.com/a/b')).toBe('soundcloud');
  expect(requiredSource('https://example.com/a.mp3')).toBe('http');
  expect(requiredSource('somepluginsearch:a')).toBeNull();
});

it('loads from the best node able to serve the source, falling back to any node', async () => {
  emulators = [
    new LavalinkEmulator({ password: 'pw', sourceManagers: ['youtube'] }),
    new LavalinkEmulator({ password: 'pw', sourceManagers: ['soundcloud', 'http'] }),
  ];
  await Promise.all(emulators.map((e) => e.start()));
  pool = new Pool({
    nodes: emulators.map((e, i) => ({ identifier: `n${i + 1}`, uri: e.url, password: e.password })),
    connector: new TestConnector(),
    store: false,
    cache: false,
    waitForAllNodes: true,
  });
  await pool.connect();
  await waitFor(() => emulators.every((e) => e.requestCount('info') > 0), { what: 'node info read' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const before = emulators.map((e) => e.requestCount('loadTracks'));
  await pool.load('scsearch:lofi');
  await pool.load('https://example.com/a.mp3');
  await pool.load('ytsearch:x');
  const after = emulators.map((e, i) => e.requestCount('loadTracks') - before[i]!);
  expect(after).toEqual([1, 2]);
});
