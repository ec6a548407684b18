// Connect to ready, warm: in one process, `samples` times: new client → ready → close, on loopback
// against an emulator in another process. The first `warmup` samples are not counted. Samples are
// `gapMs` apart, so the previous client's teardown (a graceful close, a request still in flight) is
// not counted against the next connect.
//   node bench/scenarios/connect-warm.mjs --client=lavafleet|lavafleet-node|shoukaku|lavalink-client
//        [--samples=50] [--warmup=5] [--gapMs=5] [--profile=out.cpuprofile]
import { createClient, loadClientClass } from '../lib/clients.mjs';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { parseArgs, report, sleep, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const kind = args.client;
const samples = Number(args.samples ?? 50);
const warmup = Number(args.warmup ?? 5);
const gapMs = Number(args.gapMs ?? 5);

const remote = await RemoteEmulators.start();
const emulator = await remote.start('A');
await loadClientClass(kind);

const times = [];
await startProfile(args.profile);
for (let i = 0; i < warmup + samples; i++) {
  const started = performance.now();
  const client = await createClient(kind, [{ name: 'A', ...emulator }]);
  await client.ready();
  const elapsed = performance.now() - started;
  await client.close();
  await sleep(gapMs);
  if (i >= warmup) times.push(elapsed);
}
await stopProfile(args.profile);
remote.close();
report({ client: kind, samples, gapMs, ms: summarize(times), times });
process.exit(0);
