// Creation: `players` guilds join voice and start playing, all at once. Wall time from the first
// call until the emulator reports every player playing with voice connected, and REST requests per
// player (the emulator's request counters, WebSocket handshakes excluded). A fresh client and
// emulator per sample.
//   node bench/scenarios/creation.mjs --client=... [--players=1000] [--samples=3] [--profile=out.cpuprofile]
import { createClient } from '../lib/clients.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { guildId, parseArgs, report, sleep, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const kind = args.client;
const playerCount = Number(args.players ?? 1000);
const sampleCount = Number(args.samples ?? 3);

const remote = await RemoteEmulators.start();
const samples = [];
for (let s = 0; s < sampleCount + 1; s++) {
  const name = `S${s}`;
  const emulator = await remote.start(name);
  const client = await createClient(kind, [{ name: 'A', ...emulator }]);
  await client.ready();
  await sleep(100); // let post-ready requests (session configuration) finish before counting
  await remote.call('resetCounters', { name });
  const guildIds = Array.from({ length: playerCount }, (_, i) => guildId(i));
  const profiling = s === sampleCount ? args.profile : undefined; // the last sample
  await startProfile(profiling);
  const serverCpuStart = await remote.call('cpu');
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const outcomes = await Promise.allSettled(guildIds.map((id) => client.createPlaying(id)));
  const resolvedMs = performance.now() - started;
  let playing = 0;
  while (performance.now() - started < 10_000) {
    playing = await remote.call('playingCount', { name });
    if (playing >= playerCount) break;
    await sleep(2);
  }
  const wallMs = playing >= playerCount ? performance.now() - started : null;
  const cpu = process.cpuUsage(cpuStart);
  await stopProfile(profiling);
  const serverCpuMs = ((await remote.call('cpu')) - serverCpuStart) / 1000;
  const counters = await remote.call('counters', { name });
  const requests = Object.entries(counters)
    .filter(([route]) => route !== 'websocket')
    .reduce((sum, [, count]) => sum + count, 0);
  await client.close();
  await remote.call('stop', { name });
  if (s === 0) continue; // warm-up
  samples.push({
    wallMs,
    resolvedMs,
    playing,
    failed: outcomes.filter((o) => o.status === 'rejected').length,
    requestsPerPlayer: requests / playerCount,
    counters,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs,
  });
}
remote.close();
report({
  client: kind,
  players: playerCount,
  wallMs: summarize(samples.map((s) => s.wallMs ?? Number.NaN)),
  requestsPerPlayer: summarize(samples.map((s) => s.requestsPerPlayer)),
  clientCpuMs: summarize(samples.map((s) => s.clientCpuMs)),
  serverCpuMs: summarize(samples.map((s) => s.serverCpuMs)),
  samples,
});
process.exit(0);
