// Failover: `players` playing players on node A, node B ready; A is killed (TCP reset, the process
// "dies"). The emulator host polls B until every player plays there: time from the kill, players
// lost, and position error (B's position minus where the track should be: its position on A at the
// kill plus the time since). Players play `settleMs` before the kill, so the last playerUpdate the
// client saw is some seconds old (Lavalink's default interval: 5 s).
// The watch ends when all moved, after `windowMs`, or when no player moved for `stallMs`.
//   node bench/scenarios/failover.mjs --client=... [--players=1000] [--settleMs=2500] [--windowMs=15000]
//        [--stallMs=4000] [--profile=out.cpuprofile] [--serverProfile=emulators.cpuprofile]
import { createClient } from '../lib/clients.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { bounded, guildId, parseArgs, report, sleep, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const kind = args.client;
const playerCount = Number(args.players ?? 1000);
const settleMs = Number(args.settleMs ?? 2500);
const windowMs = Number(args.windowMs ?? 15_000);
const stallMs = Number(args.stallMs ?? 4000);

// Each client's own failover settings (options only, no code).
const OPTIONS = {
  lavafleet: { allNodes: true },
  // Shoukaku moves players only once reconnecting gave up: 1 try, 1 s (defaults: 3 tries × 5 s).
  shoukaku: {
    allNodes: true,
    preferNode: 'A',
    shoukaku: { moveOnDisconnect: true, reconnectTries: 1, reconnectInterval: 1 },
  },
  'lavalink-client': { allNodes: true, manager: { autoMove: true } },
};

const remote = await RemoteEmulators.start();
const a = await remote.start('A');
const b = await remote.start('B');
const client = await createClient(
  kind,
  [
    { name: 'A', ...a },
    { name: 'B', ...b },
  ],
  OPTIONS[kind],
);
await client.ready();
const guildIds = Array.from({ length: playerCount }, (_, i) => guildId(i));
await bounded(guildIds, 50, (id) => client.createPlaying(id, { node: 'A' }));
const onA = (await remote.call('players', { name: 'A' })).length;
await sleep(settleMs);

const serverCpuStart = await remote.call('cpu');
await startProfile(args.profile);
if (args.serverProfile) await remote.call('startProfile', { path: args.serverProfile });
const cpuStart = process.cpuUsage();
const result = await remote.call('failover', {
  from: 'A',
  to: 'B',
  expected: playerCount,
  timeoutMs: windowMs,
  stallMs,
});
const cpu = process.cpuUsage(cpuStart);
await stopProfile(args.profile);
if (args.serverProfile) await remote.call('stopProfile', { path: args.serverProfile });
const serverCpuMs = ((await remote.call('cpu')) - serverCpuStart) / 1000;
const errors = result.positionErrorsMs;
await sleep(100);
const clientPlayers = guildIds.filter((id) => client.hasPlayer(id)).length;
await client.close();
remote.close();
report({
  client: kind,
  players: playerCount,
  placedOnA: onA,
  moved: result.moved,
  lost: playerCount - result.moved,
  elapsedMs: result.elapsedMs,
  windowMs,
  watchedMs: result.stoppedAfterMs,
  positionErrorMs: summarize(errors.map(Math.abs)),
  positionErrorSignedMedianMs: summarize(errors).median,
  clientPlayers,
  clientCpuMs: (cpu.user + cpu.system) / 1000,
  serverCpuMs,
});
process.exit(0);
