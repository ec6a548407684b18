// Where the first connect of a fresh process goes: runs scenarios/connect-cold-child.mjs `runs` times
// under `node --cpu-prof` against an emulator in another process, cuts each profile to the connect
// (library imported → ready, from the child's `marksUs`) and prints the mean per run: self time per
// function, inclusive time in lavafleet's bundle, and `(idle)` (waiting for the server or the kernel).
//   node bench/lib/profile-cold.mjs [--client=lavafleet] [--runs=20] [--intervalUs=50] [--top=25]
//        [--filter=dist/index.js] [--keep=dir]   (after `npm run build`; --keep leaves the profiles there)
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteEmulators } from './emulator-remote.mjs';
import { addProfile, newTimes, printTimes } from './profile-summary.mjs';
import { parseArgs, summarize } from './stats.mjs';

const args = parseArgs();
const client = args.client ?? 'lavafleet';
const runs = Number(args.runs ?? 20);
const top = Number(args.top ?? 25);
const filter = args.filter ?? (client.startsWith('lavafleet') ? 'dist/index.js' : undefined);
const CHILD = fileURLToPath(new URL('../scenarios/connect-cold-child.mjs', import.meta.url));
const dir = args.keep ?? mkdtempSync(join(os.tmpdir(), 'lavafleet-cold-'));

function runChild(emulator, flags) {
  return new Promise((resolve, reject) => {
    const argv = [...flags, CHILD, `--client=${client}`, `--port=${emulator.port}`];
    argv.push(`--password=${emulator.password}`, '--marks');
    execFile(process.execPath, argv, { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const remote = await RemoteEmulators.start();
const emulator = await remote.start('A');
for (let i = 0; i < 3; i++) await runChild(emulator, []); // unmeasured: disk cache, emulator's JIT
const times = newTimes();
const connectMs = [];
for (let i = 0; i < runs; i++) {
  const name = `run-${i}.cpuprofile`;
  const flags = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`];
  const result = await runChild(emulator, [...flags, `--cpu-prof-interval=${args.intervalUs ?? 50}`]);
  connectMs.push(result.connectMs);
  const [fromUs, toUs] = result.marksUs;
  addProfile(times, JSON.parse(readFileSync(join(dir, name), 'utf8')), { filter, fromUs, toUs });
}
remote.close();
if (!args.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`profiles in ${dir}: ${readdirSync(dir).length} files`);

const s = summarize(connectMs);
console.log(
  `${client}: connectMs under the profiler, median ${s.median.toFixed(2)} (min ${s.min.toFixed(2)}, max ${s.max.toFixed(2)}), ${runs} runs`,
);
printTimes(
  `\nsampled inside the connect: ${(times.total / runs / 1000).toFixed(2)} ms per run; self time by origin:`,
  times.byOrigin,
  times.total,
  top,
  runs,
);
printTimes(`\nself time:`, times.self, times.total, top, runs);
if (filter) printTimes(`\ninclusive time in ${filter}:`, times.inclusive, times.total, top, runs);
