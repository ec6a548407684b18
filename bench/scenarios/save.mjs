// Periodic save: a Pool with `players` playing players over a FileStore (or a RedisStore on
// 127.0.0.1:6379), of which `changedPercent` % change between saves (a track queued: in-memory, no
// REST). Time of one `pool.saveState()`: finding what changed, snapshotting it, writing it.
//   node bench/scenarios/save.mjs [--store=file|redis] [--players=10000] [--changedPercent=1] [--saves=30]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLavafleet, distUrl } from '../lib/dist.mjs';
import { createHarness } from '../lib/harness.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { CHANNEL_ID, bounded, guildId, parseArgs, report, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const kind = args.store ?? 'file';
const playerCount = Number(args.players ?? 10_000);
const changed = Math.max(1, Math.round((playerCount * Number(args.changedPercent ?? 1)) / 100));
const saves = Number(args.saves ?? 30);
const { Pool, FileStore } = await importLavafleet();

async function openStore() {
  if (kind === 'file') {
    const directory = await mkdtemp(join(tmpdir(), 'lavafleet-save-'));
    return {
      store: new FileStore({ directory }),
      cleanup: () => rm(directory, { recursive: true, force: true }),
    };
  }
  const { RedisStore } = await import(distUrl('redis.js'));
  const { default: Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const prefix = `lavafleet-bench:${process.pid}:`;
  const cleanup = async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  };
  return { store: new RedisStore({ client, prefix }), cleanup };
}

const remote = await RemoteEmulators.start();
const node = await remote.start('A');
const { store, cleanup } = await openStore();
const harness = createHarness();
const pool = new Pool({
  nodes: [{ identifier: 'A', uri: node.url, password: node.password }],
  connector: harness.discord,
  store,
  stateSaveIntervalMs: 3_600_000, // saves are driven by hand below
});
pool.on('error', () => {});
await pool.connect();
const guildIds = Array.from({ length: playerCount }, (_, i) => guildId(i));
await bounded(guildIds, 100, (id) => pool.join({ guildId: id, channelId: CHANNEL_ID, play: harness.track }));
await pool.saveState(); // the first save writes everyone: not measured

const timings = [];
const written = [];
const off = pool.on('stateSaved', ({ players }) => written.push(players));
for (let save = 0; save < saves; save++) {
  for (let i = 0; i < changed; i++) {
    const player = pool.getPlayer(guildIds[Math.floor(Math.random() * playerCount)]);
    player.queue.add(harness.track);
  }
  const started = performance.now();
  await pool.saveState();
  timings.push(performance.now() - started);
}
off();
await pool.close();
harness.discord.destroy();
remote.close();
await cleanup();
report({
  client: 'lavafleet',
  store: kind,
  players: playerCount,
  changedPerSave: changed,
  saveMs: summarize(timings),
  writtenPerSave: summarize(written),
});
process.exit(0);
