// Prints where a .cpuprofile spent its time: self time per function, highest first; with a filter,
// also the inclusive time (the function and everything it called) of functions whose file matches.
//   node bench/lib/profile-summary.mjs <file.cpuprofile> [top=30] [filter, e.g. dist/index.js]
// As a module: `addProfile` accumulates one or more profiles (optionally cut to a time window),
// `printTimes` prints a table; bench/lib/profile-cold.mjs uses both.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function label(frame) {
  const where = frame.url ? ` ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
}

/** Empty accumulator for {@link addProfile}. */
export function newTimes() {
  return { total: 0, self: new Map(), inclusive: new Map(), byOrigin: new Map() };
}

// Where a function comes from: Node's own modules, a package, the bundle, or V8's pseudo-frames.
function origin(frame) {
  const { url } = frame;
  if (!url) return frame.functionName;
  if (url.startsWith('node:')) return 'node: built-in modules';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return `package ${inPackage[1]}`;
  return url.split('/').slice(-2).join('/');
}

/**
 * Adds the samples of `profile` (µs) to `times`: self time per function and, for functions whose URL
 * contains `filter`, inclusive time. With `fromUs`/`toUs` (the profile's clock), only samples inside.
 */
export function addProfile(times, profile, { filter, fromUs = -Infinity, toUs = Infinity } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) continue;
    const id = profile.samples[i];
    times.total += delta;
    const key = label(nodes.get(id).callFrame);
    times.self.set(key, (times.self.get(key) ?? 0) + delta);
    const from = origin(nodes.get(id).callFrame);
    times.byOrigin.set(from, (times.byOrigin.get(from) ?? 0) + delta);
    if (!filter) continue;
    const seen = new Set();
    for (let node = id; node !== undefined; node = parents.get(node)) {
      const frame = nodes.get(node).callFrame;
      const name = label(frame);
      if (!frame.url.includes(filter) || seen.has(name)) continue;
      seen.add(name);
      times.inclusive.set(name, (times.inclusive.get(name) ?? 0) + delta);
    }
  }
  return times;
}

/** Prints the `top` entries of a Map of µs, divided by `runs` (a mean per run when several). */
export function printTimes(title, map, total, top, runs = 1) {
  console.log(title);
  for (const [key, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(time / runs / 1000).toFixed(2).padStart(9)} ms ${((100 * time) / total).toFixed(1).padStart(5)} %  ${key}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, topArg, filter] = process.argv.slice(2);
  const top = Number(topArg ?? 30);
  const times = addProfile(newTimes(), JSON.parse(readFileSync(path, 'utf8')), { filter });
  printTimes(
    `sampled: ${(times.total / 1000).toFixed(1)} ms; self time by origin:`,
    times.byOrigin,
    times.total,
    top,
  );
  printTimes(`\nself time:`, times.self, times.total, top);
  if (filter) printTimes(`\ninclusive time in ${filter}:`, times.inclusive, times.total, top);
}
