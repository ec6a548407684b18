// Ingest: CPU the client process spends per playerUpdate frame. A separate emulator process sends
// `players × frames` pre-serialised playerUpdate frames per round; this process measures its own
// process.cpuUsage() from the first frame to the last of each round.
//   node bench/scenarios/ingest.mjs --client=floor|lavafleet-node|lavafleet|shoukaku|lavalink-client
//        [--players=1000] [--frames=200] [--rounds=2] [--profile=out.cpuprofile]
import WebSocket from 'ws';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { bounded, guildId, parseArgs, report, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const kind = args.client;
const players = Number(args.players ?? 1000);
const framesPerRound = Number(args.frames ?? 200);
const rounds = Number(args.rounds ?? 2);
const guildIds = Array.from({ length: players }, (_, i) => guildId(i));

const remote = await RemoteEmulators.start();
// No periodic frames: only the blasted ones reach the client while measuring.
const emulator = await remote.start('A', { playerUpdateIntervalMs: 3_600_000, statsIntervalMs: 3_600_000 });

let onFrame = () => {}; // frames before the first round (a player just started) are not counted
let close;
if (kind === 'floor') {
  // The floor: a bare ws client that only JSON.parses each frame.
  const socket = new WebSocket(`ws://127.0.0.1:${emulator.port}/v4/websocket`, {
    headers: {
      Authorization: emulator.password,
      'User-Id': '1100000000000000001',
      'Client-Name': 'floor/1.0',
    },
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => {
    socket.once('message', resolve);
    socket.once('error', reject);
  });
  socket.on('message', (data) => {
    const frame = JSON.parse(data);
    if (frame.op === 'playerUpdate') onFrame();
  });
  close = () => socket.terminate();
} else {
  const { createClient } = await import('../lib/clients.mjs');
  const client = await createClient(kind, [{ name: 'A', ...emulator }]);
  await client.ready();
  if (kind !== 'lavafleet-node') {
    await bounded(guildIds, 50, (id) => client.createPlaying(id));
  }
  client.onPlayerUpdate(() => onFrame());
  close = () => client.close();
}
await new Promise((resolve) => setTimeout(resolve, 200));

async function round(frames = framesPerRound) {
  const target = players * frames;
  let count = 0;
  let cpuStart;
  let wallStart;
  const done = new Promise((resolve) => {
    onFrame = () => {
      count += 1;
      if (count === 1) {
        cpuStart = process.cpuUsage();
        wallStart = performance.now();
      } else if (count === target) {
        const cpu = process.cpuUsage(cpuStart);
        resolve({ cpuUs: cpu.user + cpu.system, wallMs: performance.now() - wallStart });
      }
    };
  });
  await remote.call('blast', { name: 'A', guildIds, framesPerPlayer: frames });
  const { cpuUs, wallMs } = await done;
  return { usPerFrame: cpuUs / (target - 1), wallMs, frames: target };
}

await round(Math.min(20, framesPerRound)); // warm-up (JIT, buffers), not counted
const samples = [];
await startProfile(args.profile);
for (let i = 0; i < rounds; i++) samples.push(await round());
await stopProfile(args.profile);
await close();
remote.close();
report({
  client: kind,
  players,
  framesPerRound,
  rounds,
  usPerFrame: summarize(samples.map((s) => s.usPerFrame)),
  samples,
});
process.exit(0);
