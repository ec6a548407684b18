// REST: client CPU per player update. `updates` PATCH requests (volume changes on existing playing
// players), `concurrency` in flight at a time, against an emulator in another process; this process's
// process.cpuUsage() over the whole round, divided by the number of updates.
//   node bench/scenarios/rest.mjs --client=... [--players=100] [--updates=1000] [--concurrency=50] [--rounds=5]
//        [--profile=out.cpuprofile]
import { createClient } from '../lib/clients.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { bounded, cpuSince, guildId, parseArgs, report, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const kind = args.client;
const players = Number(args.players ?? 100);
const updates = Number(args.updates ?? 1000);
const concurrency = Number(args.concurrency ?? 50);
const rounds = Number(args.rounds ?? 5);

const remote = await RemoteEmulators.start();
const emulator = await remote.start('A');
const client = await createClient(kind, [{ name: 'A', ...emulator }]);
await client.ready();
const guildIds = Array.from({ length: players }, (_, i) => guildId(i));
await bounded(guildIds, 50, (id) => client.createPlaying(id));

let volume = 0;
async function round() {
  const jobs = Array.from({ length: updates }, (_, i) => guildIds[i % players]);
  await remote.call('resetCounters', { name: 'A' });
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await bounded(jobs, concurrency, (id) => client.setVolume(id, 10 + (volume++ % 150)));
  const cpuUs = cpuSince(cpuStart);
  const wallMs = performance.now() - wallStart;
  const counters = await remote.call('counters', { name: 'A' });
  return { msPerUpdate: cpuUs / 1000 / updates, wallMs, requests: counters.player ?? 0 };
}

await round(); // warm-up: sockets, JIT
const samples = [];
await startProfile(args.profile);
for (let i = 0; i < rounds; i++) samples.push(await round());
await stopProfile(args.profile);
await client.close();
remote.close();
report({
  client: kind,
  players,
  updates,
  concurrency,
  msPerUpdate: summarize(samples.map((s) => s.msPerUpdate)),
  samples,
});
process.exit(0);
