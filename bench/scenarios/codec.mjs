// Track decode and track cache, in-process (no server): decodeTrack() µs per call; TrackCache hit µs
// per get(); time for 1M mixed cache operations (get, and set on a miss) over a skewed key set.
// Shoukaku and lavalink-client have neither a local decoder nor a load cache (both decode over REST).
//   node bench/scenarios/codec.mjs [--batches=200] [--ops=1000000]
import { importLavafleet, importTesting } from '../lib/dist.mjs';
import { parseArgs, report, summarize } from '../lib/stats.mjs';

const args = parseArgs();
const batches = Number(args.batches ?? 200);
const totalOps = Number(args.ops ?? 1_000_000);
const { decodeTrack, TrackCache } = await importLavafleet();
const { loadCatalogueTracks } = await importTesting();

// A mix of what bots decode: YouTube, SoundCloud, HTTP (with probe info), a stream, long titles.
const identifiers = [
  'emulator:track?length=213000',
  'emulator:track?source=soundcloud&title=Some%20longer%20SoundCloud%20title%20(remix)%20feat.%20someone',
  'emulator:track?source=http',
  'emulator:stream?title=radio',
  'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  'ytsearch:never gonna give you up',
];
const tracks = identifiers.flatMap((id) => {
  const result = loadCatalogueTracks(id);
  return result.loadType === 'search' ? result.data : [result.data];
});
const encoded = tracks.map((t) => t.encoded);

function perCall(batchSize, fn) {
  const times = [];
  for (let b = 0; b < batches; b++) {
    const started = performance.now();
    for (let i = 0; i < batchSize; i++) fn(i);
    times.push(((performance.now() - started) * 1000) / batchSize);
  }
  return summarize(times);
}

// Decode
let sink = 0;
for (let i = 0; i < 20_000; i++) sink += decodeTrack(encoded[i % encoded.length]).info.length;
const decodeUs = perCall(1000, (i) => {
  sink += decodeTrack(encoded[i % encoded.length]).info.length;
});

// Cache hit
const cache = new TrackCache();
const results = identifiers.map((id) => loadCatalogueTracks(id));
identifiers.forEach((id, i) => cache.set(id, results[i]));
for (let i = 0; i < 20_000; i++) sink += cache.get(identifiers[i % identifiers.length]) ? 1 : 0;
const hitUs = perCall(1000, (i) => {
  sink += cache.get(identifiers[i % identifiers.length]) ? 1 : 0;
});

// 1M mixed operations: keys drawn from 5,000 identifiers with a Zipf(1) skew (a few songs are asked
// for often, most rarely), default capacity (200); get, then set on a miss; each call is one op.
const KEYS = 5000;
const keys = Array.from(
  { length: KEYS },
  (_, i) => `https://www.youtube.com/watch?v=${String(i).padStart(11, 'k')}`,
);
const value = { loadType: 'track', data: tracks[0] };
const weights = Array.from({ length: KEYS }, (_, i) => 1 / (i + 1));
const total = weights.reduce((a, b) => a + b, 0);
const cumulative = [];
weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
let seed = 42;
const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
const sequence = Array.from({ length: totalOps }, () => {
  const r = random();
  let lo = 0;
  let hi = KEYS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return keys[lo];
});
const mixedRuns = [];
let hitRate = 0;
for (let run = 0; run < 4; run++) {
  const lfu = new TrackCache();
  let ops = 0;
  let hits = 0;
  let i = 0;
  const started = performance.now();
  while (ops < totalOps) {
    const key = sequence[i++ % totalOps];
    ops++;
    if (lfu.get(key)) hits++;
    else if (ops < totalOps) {
      lfu.set(key, value);
      ops++;
    }
  }
  const ms = performance.now() - started;
  hitRate = hits / (i || 1);
  if (run > 0) mixedRuns.push(ms); // run 0 warms up
}
report({
  decodeUs,
  cacheHitUs: hitUs,
  mixedOpsMs: summarize(mixedRuns),
  mixedOps: totalOps,
  mixedHitRate: hitRate,
  tracks: encoded.length,
  sink: sink > 0,
});
process.exit(0);
