/**
 * FileStore: the periodic save of 10,000 players of which 1% changed (each value ~1 KB of JSON).
 * Run with `npx tsx bench/file-store.bench.ts`; prints the median, p95 and max time of one save.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../src/persistence/file-store.js';
import { playerKey, playerValue, summarize } from './store-bench-data.js';

const PLAYERS = 10_000;
const CHANGED = PLAYERS / 100;
const INTERVALS = 200;

const directory = await mkdtemp(join(tmpdir(), 'lavafleet-bench-'));
const store = new FileStore({ directory });
try {
  await store.write({
    set: Array.from({ length: PLAYERS }, (_, i) => ({ key: playerKey(i), value: playerValue(i, 0) })),
  });
  const timings: number[] = [];
  for (let round = 1; round <= INTERVALS; round += 1) {
    const set = Array.from({ length: CHANGED }, () => {
      const i = Math.floor(Math.random() * PLAYERS);
      return { key: playerKey(i), value: playerValue(i, round) };
    });
    const started = performance.now();
    await store.write({ set });
    timings.push(performance.now() - started);
  }
  console.log(`FileStore, ${PLAYERS} players, ${CHANGED} changed per save (fsync on), ${INTERVALS} saves:`);
  console.log(summarize(timings));
  const reopened = performance.now();
  await store.close();
  const again = new FileStore({ directory });
  const count = (await again.list('bot/')).length;
  console.log(`close + reopen + list of ${count} players: ${(performance.now() - reopened).toFixed(1)} ms`);
  await again.close();
} finally {
  await rm(directory, { recursive: true, force: true });
}
