// Runs every scenario of the side-by-side benchmark (lavafleet, Shoukaku, lavalink-client and, where
// it applies, the floor) against the lavafleet emulator, each measurement in its own process, then
// writes bench/results.json, bench/RESULTS.md and one chart per scenario in bench/charts/ (from the
// merged results: with --only, the scenarios not run keep their results and charts). `npm run bench`
// builds first.
//
//   node bench/run.mjs                 full run (~4-5 minutes on 2 cores)
//   node bench/run.mjs --quick         smoke run (~1 minute); writes to bench/.tmp/quick/
//   node bench/run.mjs --only=ingest,rest
//   node bench/run.mjs --charts-only   runs nothing: charts and RESULTS.md again from results.json
//
// Scenarios: ingest, connect, rest, resume, failover, creation, memory, codec, save, restore (see bench/README.md).
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { writeCharts } from './lib/charts.mjs';
import { BENCH_DIR, REPO_DIR } from './lib/dist.mjs';
import { renderResults } from './lib/render.mjs';
import { parseArgs } from './lib/stats.mjs';

const args = parseArgs();
const quick = args.quick === true;
const SCENARIOS = [
  'ingest',
  'connect',
  'rest',
  'resume',
  'failover',
  'creation',
  'memory',
  'codec',
  'save',
  'restore',
];
const only = typeof args.only === 'string' ? args.only.split(',') : SCENARIOS;
for (const name of only) {
  if (!SCENARIOS.includes(name))
    throw new Error(`unknown scenario "${name}"; one of ${SCENARIOS.join(', ')}`);
}
const outDir = quick ? join(BENCH_DIR, '.tmp', 'quick') : BENCH_DIR;
const resultsPath = join(outDir, 'results.json');
const PEERS = ['lavafleet', 'shoukaku', 'lavalink-client'];

/** Writes the charts and RESULTS.md from `results`; returns the markdown. */
function writeReport(results) {
  const { written, failed } = writeCharts(results, outDir);
  for (const [name, message] of Object.entries(failed)) console.log(`chart ${name} not drawn: ${message}`);
  const markdown = renderResults(results, { charts: written });
  writeFileSync(join(outDir, 'RESULTS.md'), markdown);
  return markdown;
}

if (args['charts-only'] === true) {
  if (!existsSync(resultsPath)) throw new Error(`${resultsPath} is missing: run the bench first`);
  writeReport(JSON.parse(readFileSync(resultsPath, 'utf8')));
  console.log(`Wrote ${join(outDir, 'RESULTS.md')} and ${join(outDir, 'charts')}/*.svg from results.json`);
  process.exit(0);
}

// A parallel `npm run build` empties dist/ for a few seconds: run from a private copy.
const distSource = join(REPO_DIR, 'dist');
if (!existsSync(join(distSource, 'index.js')) || !existsSync(join(distSource, 'testing', 'index.js'))) {
  throw new Error('dist/ is missing: run `npm run build` (or `npm run bench`, which builds first)');
}
const distCopy = join(BENCH_DIR, '.tmp', `dist-${process.pid}`);
cpSync(distSource, distCopy, { recursive: true });
const cleanup = () => rmSync(distCopy, { recursive: true, force: true });
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

let failures = 0;

function run(script, scriptArgs = [], { nodeFlags = [], timeoutMs = 180_000 } = {}) {
  const label = `${script} ${scriptArgs.join(' ')}`;
  const started = performance.now();
  process.stdout.write(`  ${label} … `);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeFlags, join(BENCH_DIR, 'scenarios', script), ...scriptArgs],
      { env: { ...process.env, LAVAFLEET_DIST: distCopy }, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const line = stdout.trim().split('\n').pop();
        let result = null;
        try {
          result = JSON.parse(line);
        } catch {
          // reported below
        }
        if (error || result === null) {
          failures += 1;
          process.stdout.write(`FAILED (${seconds} s)\n`);
          const detail = `${error?.message ?? 'no JSON result'}\n${stderr.split('\n').slice(-15).join('\n')}`;
          process.stdout.write(`${detail}\n`);
          resolve({ error: detail.slice(0, 2000) });
          return;
        }
        process.stdout.write(`${seconds} s\n`);
        resolve(result);
      },
    );
  });
}

const q = (full, smoke) => (quick ? smoke : full);

const scenarios = {
  async ingest() {
    const clients = ['floor', 'lavafleet-node', 'lavafleet', 'shoukaku', 'lavalink-client'];
    const passes = q(3, 1);
    const runs = Object.fromEntries(clients.map((c) => [c, []]));
    // Clients interleaved, pass after pass: slow drifts of the machine touch every client alike.
    for (let pass = 0; pass < passes; pass++) {
      for (const client of clients) {
        runs[client].push(
          await run('ingest.mjs', [
            `--client=${client}`,
            `--players=${q(1000, 100)}`,
            `--frames=${q(200, 50)}`,
            `--rounds=${q(2, 1)}`,
          ]),
        );
      }
    }
    return { passes, runs };
  },
  async connect() {
    const warm = {};
    for (const client of ['lavafleet', 'lavafleet-node', 'shoukaku', 'lavalink-client']) {
      warm[client] = await run('connect-warm.mjs', [
        `--client=${client}`,
        `--samples=${q(50, 10)}`,
        `--warmup=${q(5, 2)}`,
      ]);
    }
    const cold = await run('connect-cold.mjs', [`--samples=${q(15, 2)}`]);
    return { warm, cold };
  },
  async rest() {
    const runs = {};
    for (const client of PEERS) {
      runs[client] = await run('rest.mjs', [
        `--client=${client}`,
        `--players=${q(100, 20)}`,
        `--updates=${q(1000, 200)}`,
        `--rounds=${q(5, 1)}`,
      ]);
    }
    return runs;
  },
  async resume() {
    const runs = { outage: {}, blip: {} };
    for (const mode of ['outage', 'blip']) {
      for (const client of PEERS) {
        runs[mode][client] = await run('resume.mjs', [
          `--client=${client}`,
          `--mode=${mode}`,
          `--sessions=${q(5, 2)}`,
        ]);
      }
    }
    return runs;
  },
  async failover() {
    const runs = {};
    for (const client of PEERS) {
      runs[client] = await run('failover.mjs', [
        `--client=${client}`,
        `--players=${q(1000, 100)}`,
        `--settleMs=${q(2500, 500)}`,
        `--windowMs=${q(15_000, 5000)}`,
      ]);
    }
    return runs;
  },
  async creation() {
    const runs = {};
    for (const client of PEERS) {
      runs[client] = await run('creation.mjs', [
        `--client=${client}`,
        `--players=${q(1000, 100)}`,
        `--samples=${q(3, 1)}`,
      ]);
    }
    return runs;
  },
  async memory() {
    const runs = {};
    for (const client of PEERS) {
      runs[client] = await run(
        'memory.mjs',
        [`--client=${client}`, `--players=${q(1000, 200)}`, `--samples=${q(2, 1)}`],
        {
          nodeFlags: ['--expose-gc'],
        },
      );
    }
    return runs;
  },
  async codec() {
    return run('codec.mjs', q([], ['--batches=20', '--ops=100000']));
  },
  async save() {
    const runs = {};
    for (const store of ['file', 'redis']) {
      runs[store] = await run('save.mjs', [
        `--store=${store}`,
        `--players=${q(10_000, 1000)}`,
        `--saves=${q(30, 5)}`,
      ]);
    }
    return runs;
  },
  async restore() {
    const runs = {};
    for (const mode of ['resumed', 'expired']) {
      runs[mode] = await run('restore.mjs', [`--mode=${mode}`, `--players=${q(10_000, 1000)}`]);
    }
    return runs;
  },
};

const meta = {
  date: new Date().toISOString(),
  command: `node bench/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  quick,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  versions: {
    lavafleet: JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8')).version,
    shoukaku: packageVersion('shoukaku'),
    'lavalink-client': packageVersion('lavalink-client'),
    ws: packageVersion('ws'),
  },
  loadAverageStart: os.loadavg().map((v) => Number(v.toFixed(2))),
};

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(REPO_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

console.log(`lavafleet bench${quick ? ' (quick)' : ''}: ${only.join(', ')}`);
const previous = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : null;
const results = { meta, scenarios: {} };
// With --only, scenarios not run keep their previous results (each carries its own date).
if (previous && only.length < SCENARIOS.length) Object.assign(results.scenarios, previous.scenarios);
for (const name of only) {
  console.log(`${name}:`);
  const started = performance.now();
  const data = await scenarios[name]();
  results.scenarios[name] = {
    date: new Date().toISOString(),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
    data,
  };
}
meta.loadAverageEnd = os.loadavg().map((v) => Number(v.toFixed(2)));

mkdirSync(outDir, { recursive: true });
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
const markdown = writeReport(results);
// Keep the committed JSON in the repository's format (prettier collapses short arrays).
const prettier = join(REPO_DIR, 'node_modules', '.bin', 'prettier');
if (!quick && existsSync(prettier)) spawnSync(prettier, ['--write', resultsPath], { stdio: 'ignore' });
const summaryStart = markdown.indexOf('## Summary');
const summary = markdown.slice(summaryStart, markdown.indexOf('\n## ', summaryStart + 1));
console.log(`\n${summary.trim()}\n\nWrote ${join(outDir, 'RESULTS.md')}, results.json and charts/*.svg`);
// A scenario that crashed fails the run (CI); a missed target does not.
if (failures > 0) {
  console.log(`${failures} scenario run(s) failed: see above`);
  process.exitCode = 1;
}
