// Memory per playing player: V8 heap after creating `players` playing players minus the heap of the
// same client connected with none (both after forced GCs), minus what the bench's fake Discord keeps
// per guild (measured apart). Every player plays the same Track object, so track data is not counted:
// this is the client's own bookkeeping. The emulator runs in another process.
//   node --expose-gc bench/scenarios/memory.mjs --client=... [--players=1000] [--samples=3]
import { createClient } from '../lib/clients.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { createHarness } from '../lib/harness.mjs';
import { bounded, CHANNEL_ID, guildId, parseArgs, report, sleep, summarize } from '../lib/stats.mjs';

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
const args = parseArgs();
const kind = args.client;
const playerCount = Number(args.players ?? 1000);
const sampleCount = Number(args.samples ?? 3);
const guildIds = Array.from({ length: playerCount }, (_, i) => guildId(i));

/** heapUsed after pending work settled and full GCs, read with no await in between (an await lets
 * timers allocate a fresh linear allocation buffer, which shows up as ±200 KB of noise). */
async function settledHeap() {
  await sleep(300);
  for (let i = 0; i < 3; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

// What the fake Discord itself keeps per guild (its voice-state map and the op-4 log).
async function harnessBytes() {
  const { discord } = createHarness();
  discord.onVoicePacket(() => {});
  const before = await settledHeap();
  for (const id of guildIds) {
    discord.sendVoiceStateUpdate({ guild_id: id, channel_id: CHANNEL_ID, self_deaf: true, self_mute: false });
  }
  const after = await settledHeap();
  discord.destroy();
  return after - before;
}

const remote = await RemoteEmulators.start();
await harnessBytes(); // warm-up: first-time allocations (code, inline caches) are not per guild
const harness = await harnessBytes();
const samples = [];
for (let s = 0; s <= sampleCount; s++) {
  const name = `M${s}`;
  const emulator = await remote.start(name);
  let client = await createClient(kind, [{ name: 'A', ...emulator }]);
  await client.ready();
  const bare = await settledHeap();
  await bounded(guildIds, 50, (id) => client.createPlaying(id));
  const full = await settledHeap();
  await client.close();
  client = null;
  await remote.call('stop', { name });
  // Sample 0 warms up (code and inline caches are allocated once, not per player).
  if (s > 0)
    samples.push({ bytesPerPlayer: (full - bare - harness) / playerCount, bareHeap: bare, fullHeap: full });
}
remote.close();
report({
  client: kind,
  players: playerCount,
  harnessBytesPerPlayer: harness / playerCount,
  bytesPerPlayer: summarize(samples.map((s) => s.bytesPerPlayer)),
  samples,
});
process.exit(0);
