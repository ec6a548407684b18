// Connect to ready, cold: a fresh `node` process per sample (clients interleaved), against one
// emulator in another process. Reports, per client, coldMs (library import + connect to ready, from
// the child's first line) and totalMs (Node process start → ready, without the bench's own imports).
//   node bench/scenarios/connect-cold.mjs [--samples=15] [--clients=a,b]
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RemoteEmulators } from '../lib/emulator-remote.mjs';
import { parseArgs, report, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const samples = Number(args.samples ?? 15);
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
for (const client of clients) await runChild(client); // one unmeasured start each: disk cache
for (let i = 0; i < samples; i++) {
  for (const client of clients) results[client].push(await runChild(client));
}
remote.close();
report({
  samples,
  clients: Object.fromEntries(
    clients.map((c) => {
      const runs = results[c];
      return [
        c,
        {
          coldMs: summarize(runs.map((r) => r.coldMs)),
          totalMs: summarize(runs.map((r) => r.bootMs + r.coldMs)),
          bootMs: summarize(runs.map((r) => r.bootMs)),
        },
      ];
    }),
  ),
});
process.exit(0);
