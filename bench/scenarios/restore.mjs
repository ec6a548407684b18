// Restore after a bot restart: `players` playing players on nodes A and B, saved to a FileStore; the
// bot closes (a redeploy) and a new Pool over the same store connects. Time from `new Pool` to every
// player playing again on the server, REST requests per player, players lost. Two cases: the sessions
// resumed (the bot came back inside the resume window) and expired (both nodes restarted meanwhile,
// so every player is re-created and re-joins voice).
//   node bench/scenarios/restore.mjs [--players=10000] [--mode=resumed|expired] [--profile=out.cpuprofile]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLavafleet } from '../lib/dist.mjs';
import { createHarness } from '../lib/harness.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { CHANNEL_ID, bounded, guildId, parseArgs, report, sleep, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const playerCount = Number(args.players ?? 10_000);
const mode = args.mode ?? 'expired';
const { Pool, FileStore } = await importLavafleet();

const remote = await RemoteEmulators.start();
const nodes = [];
for (const name of ['A', 'B']) nodes.push({ name, ...(await remote.start(name)) });
const dir = await mkdtemp(join(tmpdir(), 'lavafleet-restore-'));

function createPool(harness) {
  const pool = new Pool({
    nodes: nodes.map((n) => ({ identifier: n.name, uri: n.url, password: n.password })),
    connector: harness.discord,
    store: new FileStore({ directory: dir }),
    stateSaveIntervalMs: 60_000,
    waitForAllNodes: true,
  });
  pool.on('error', () => {});
  return pool;
}

const first = createHarness();
const before = createPool(first);
await before.connect();
const guildIds = Array.from({ length: playerCount }, (_, i) => guildId(i));
await bounded(guildIds, 100, (id) => before.join({ guildId: id, channelId: CHANNEL_ID, play: first.track }));
await before.close(); // saves every player
// Where each track is now on the servers; once restored, each should be there plus the time since.
const positionsBefore = await Promise.all(nodes.map((n) => remote.call('positions', { name: n.name })));
first.discord.destroy();
if (mode === 'expired')
  for (const n of nodes) await remote.call('restart', { name: n.name, keepSessions: false });
for (const n of nodes) await remote.call('resetCounters', { name: n.name });
await sleep(200);

const second = createHarness();
const serverCpuStart = await remote.call('cpu');
await startProfile(args.profile);
const cpuStart = process.cpuUsage();
const startedAt = performance.now();
let restored = 0;
let restoredAt = null;
const after = createPool(second);
after.on('playersRestored', ({ count }) => {
  restored += count;
  if (restored >= playerCount) restoredAt = performance.now();
});
await after.connect();
let playing = 0;
for (;;) {
  playing = 0;
  for (const n of nodes) playing += await remote.call('playingCount', { name: n.name });
  if ((playing >= playerCount && restoredAt !== null) || performance.now() - startedAt > 60_000) break;
  await sleep(5);
}
const doneAt = performance.now();
const cpu = process.cpuUsage(cpuStart);
await stopProfile(args.profile);
const positionErrors = positionErrorsMs(
  positionsBefore,
  await Promise.all(nodes.map((n) => remote.call('positions', { name: n.name }))),
);
const serverCpuMs = ((await remote.call('cpu')) - serverCpuStart) / 1000;
let requests = 0;
for (const n of nodes) {
  const counters = await remote.call('counters', { name: n.name });
  for (const [route, count] of Object.entries(counters.requests ?? counters)) {
    if (typeof count === 'number' && route !== 'websocket') requests += count;
  }
}
await after.close();
second.discord.destroy();
remote.close();
await rm(dir, { recursive: true, force: true });
report({
  client: 'lavafleet',
  mode,
  players: playerCount,
  playing,
  lost: playerCount - playing,
  elapsedMs: doneAt - startedAt,
  restoredEventsMs: restoredAt === null ? null : restoredAt - startedAt,
  requestsPerPlayer: requests / playerCount,
  clientCpuMs: (cpu.user + cpu.system) / 1000,
  serverCpuMs,
  positionErrorMs: summarize(positionErrors.map(Math.abs)),
  positionErrorSignedMedianMs: summarize(positionErrors).median,
});
process.exit(0);

/**
 * Per guild found in both readings (each `{ at, positions }` per node, on the emulator host's clock):
 * where it plays now minus where it played before plus the time since. Continuous playback is what
 * a restore aims at; a guild that moved to the other node is compared all the same.
 */
function positionErrorsMs(before, after) {
  const then = new Map();
  for (const { at, positions } of before)
    for (const [id, position] of Object.entries(positions)) then.set(id, { at, position });
  const errors = [];
  for (const { at, positions } of after)
    for (const [id, position] of Object.entries(positions)) {
      const was = then.get(id);
      if (was) errors.push(position - (was.position + (at - was.at)));
    }
  return errors;
}
