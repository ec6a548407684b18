// Prints where a .cpuprofile spent its time: self time per function, highest first; with a filter,
// also the inclusive time (the function and everything it called) of functions whose file matches.
//   node bench/lib/profile-summary.mjs <file.cpuprofile> [top=30] [filter, e.g. dist/index.js]
import { readFileSync } from 'node:fs';

const [path, topArg, filter] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(path, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const selfByNode = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

function label(frame) {
  const where = frame.url ? ` ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
}

function print(title, times, total) {
  console.log(title);
  for (const [key, time] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(time / 1000).toFixed(1).padStart(9)} ms ${((100 * time) / total).toFixed(1).padStart(5)} %  ${key}`,
    );
  }
}

const self = new Map();
const inclusive = new Map();
let total = 0;
for (const [id, time] of selfByNode) {
  total += time;
  const key = label(nodes.get(id).callFrame);
  self.set(key, (self.get(key) ?? 0) + time);
  if (!filter) continue;
  const seen = new Set();
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const frame = nodes.get(at).callFrame;
    const name = label(frame);
    if (!frame.url.includes(filter) || seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
}
print(`sampled: ${(total / 1000).toFixed(1)} ms; self time:`, self, total);
if (filter) print(`\ninclusive time in ${filter}:`, inclusive, total);
