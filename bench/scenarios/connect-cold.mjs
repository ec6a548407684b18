// Connect to ready, cold: a fresh `node` process per sample (clients interleaved), against one
// emulator in another process. Reports, per client, connectMs (the judged number: the first connect
// to ready in a fresh process, library already imported), coldMs (library import + connect, from the
// child's first line), totalMs (Node process start → ready) and bootMs (Node's own start-up).
// Before measuring, `warmup` unmeasured rounds of every client warm the disk cache and the emulator
// (its handshake and REST paths are JIT-compiled by then, as a long-running Lavalink's are).
//   node bench/scenarios/connect-cold.mjs [--samples=15] [--warmup=3] [--clients=a,b]
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { parseArgs, report, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const samples = Number(args.samples ?? 15);
const warmup = Number(args.warmup ?? 3);
const clients = (args.clients ?? 'empty,floor,lavafleet,shoukaku,lavalink-client').split(',');
const CHILD = fileURLToPath(new URL('./connect-cold-child.mjs', import.meta.url));

const remote = await RemoteEmulators.start();
const emulator = await remote.start('A');

function runChild(client) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CHILD, `--client=${client}`, `--port=${emulator.port}`, `--password=${emulator.password}`],
      { env: process.env, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${client}: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      },
    );
  });
}

const results = Object.fromEntries(clients.map((c) => [c, []]));
for (let i = 0; i < warmup; i++) for (const client of clients) await runChild(client);
for (let i = 0; i < samples; i++) {
  for (const client of clients) results[client].push(await runChild(client));
}
remote.close();
report({
  samples,
  warmup,
  clients: Object.fromEntries(
    clients.map((c) => {
      const runs = results[c];
      return [
        c,
        {
          connectMs: summarize(runs.map((r) => r.connectMs)),
          coldMs: summarize(runs.map((r) => r.coldMs)),
          totalMs: summarize(runs.map((r) => r.bootMs + r.coldMs)),
          bootMs: summarize(runs.map((r) => r.bootMs)),
        },
      ];
    }),
  ),
});
process.exit(0);
