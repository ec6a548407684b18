// One SVG chart per scenario from results.json (see svg-chart.mjs for the drawing): lavafleet against
// Shoukaku and lavalink-client, and the floor where there is one. `writeCharts` writes them to
// <dir>/charts/<name>.svg; run.mjs calls it after every run, from the merged results, so a run with
// --only keeps the other scenarios' charts up to date too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS } from './targets.mjs';
import { renderBarChart } from './svg-chart.mjs';

const LABELS = {
  floor: 'floor (bare ws)',
  'lavafleet-node': 'lavafleet Node',
  lavafleet: 'lavafleet Pool',
  shoukaku: 'Shoukaku',
  'lavalink-client': 'lavalink-client',
};
const PEERS = ['lavafleet', 'shoukaku', 'lavalink-client'];
const kindOf = (client) => (client.startsWith('lavafleet') ? 'lavafleet' : client);
const failed = (r) => r === undefined || r === null || r.error !== undefined;
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

function statsOf(values) {
  const sorted = values.filter(finite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** A chart row from a { median, min, max } summary (or none: `note` says why). */
function row(client, summary, note) {
  const ok = summary && finite(summary.median);
  return {
    label: LABELS[client] ?? client,
    kind: kindOf(client),
    median: ok ? summary.median : null,
    min: ok ? summary.min : null,
    max: ok ? summary.max : null,
    note: note ?? (ok ? undefined : 'error'),
  };
}

function ingest({ data }) {
  const rows = [];
  for (const client of ['floor', 'lavafleet-node', 'lavafleet', 'shoukaku', 'lavalink-client']) {
    const runs = (data.runs[client] ?? []).filter((r) => !failed(r));
    rows.push(row(client, statsOf(runs.flatMap((r) => r.samples.map((s) => s.usPerFrame)))));
  }
  const floor = rows[0].median;
  const first = Object.values(data.runs)
    .flat()
    .find((r) => !failed(r));
  return {
    title: 'Ingest: client CPU per playerUpdate frame',
    subtitle: `${first?.players?.toLocaleString('en-US') ?? '?'} players × ${first?.framesPerRound ?? '?'} frames per round, every round of ${data.passes} interleaved passes`,
    axisLabel: 'µs of CPU per frame (lower is better)',
    unit: 'µs',
    digits: 2,
    rows,
    target: finite(floor)
      ? { value: TARGETS.ingestVsFloor * floor, label: `≤ ${TARGETS.ingestVsFloor}× floor` }
      : null,
  };
}

function connectWarm({ data }) {
  const warm = data.warm;
  const rows = ['lavafleet', 'lavafleet-node', 'shoukaku', 'lavalink-client']
    .filter((c) => warm[c] !== undefined)
    .map((c) => row(c, failed(warm[c]) ? null : warm[c].ms));
  return {
    title: 'Connect to ready, warm',
    subtitle: `one process: new client → ready → close, ${warm.lavafleet?.samples ?? '?'} samples after 5 unmeasured`,
    axisLabel: 'ms from new client to ready (lower is better)',
    unit: 'ms',
    digits: 2,
    rows,
    target: { value: TARGETS.warmMs, label: `< ${TARGETS.warmMs} ms` },
  };
}

function connectCold({ data }) {
  const cold = failed(data.cold) ? {} : data.cold.clients;
  const rows = ['floor', ...PEERS].map((c) => {
    if (!cold[c]) return row(c, null, 'not measured');
    return cold[c].connectMs ? row(c, cold[c].connectMs) : row(c, null, 'no connectMs: rerun connect');
  });
  return {
    title: 'Connect to ready, cold: the first connect in a fresh process',
    subtitle: `a new node process per sample, library already imported; ${data.cold?.samples ?? '?'} samples each, clients interleaved`,
    axisLabel: 'ms from library imported to ready (lower is better)',
    unit: 'ms',
    digits: 1,
    rows,
    target: { value: TARGETS.coldMs, label: `< ${TARGETS.coldMs} ms` },
    footnote: 'lavalink-client is ready once it has fetched /v4/info (its searches refuse to run before).',
  };
}

function rest({ data }) {
  const any = PEERS.map((c) => data[c]).find((r) => !failed(r));
  return {
    title: 'REST: client CPU per player update',
    subtitle: `${any?.updates?.toLocaleString('en-US') ?? '?'} PATCHes (volume) on ${any?.players ?? '?'} playing players, ${any?.concurrency ?? '?'} in flight, per round`,
    axisLabel: 'ms of CPU per update (lower is better)',
    unit: 'ms',
    digits: 3,
    rows: PEERS.map((c) => row(c, failed(data[c]) ? null : data[c].msPerUpdate)),
    target: { value: TARGETS.restMs, label: `≤ ${TARGETS.restMs} ms` },
  };
}

function resume({ data }) {
  const rows = [];
  for (const mode of ['outage', 'blip']) {
    for (const client of PEERS) {
      const r = data[mode]?.[client];
      const label = `${LABELS[client]}, ${mode}`;
      if (failed(r)) {
        rows.push({ ...row(client, null), label });
        continue;
      }
      const resumed = `${r.resumed}/${r.sessions} resumed`;
      rows.push({ ...row(client, statsOf(r.resumedAfterMs), resumed), label });
    }
  }
  const any = data.outage?.lavafleet;
  return {
    title: 'Resume after a connection loss',
    subtitle: `${any?.sessions ?? '?'} sessions × ${any?.playersPerSession ?? '?'} playing players; outage: 503s for 1 s; blip: immediate reconnect. Target: every session resumed`,
    axisLabel: 'ms from the socket reset to a verified resume, per resumed session (lower is better)',
    unit: 'ms',
    digits: 0,
    rows,
    target: null,
    footnote: 'No bar: no session resumed with every player intact (see RESULTS.md for why, per library).',
  };
}

function failover({ data }) {
  const rows = PEERS.map((client) => {
    const r = data[client];
    if (failed(r)) return row(client, null);
    const moved = `${r.moved.toLocaleString('en-US')}/${r.players.toLocaleString('en-US')} moved`;
    if (r.elapsedMs === null) return row(client, null, `${moved}, ${r.lost.toLocaleString('en-US')} lost`);
    const error = `max position error ${Math.round(r.positionErrorMs.max).toLocaleString('en-US')} ms`;
    return row(client, { median: r.elapsedMs, min: null, max: null }, error);
  });
  return {
    title: `Failover: ${data.lavafleet?.players?.toLocaleString('en-US') ?? '?'} players, node A killed`,
    subtitle: 'one run each: from the kill until node B plays every player',
    barLabel: 'one run',
    axisLabel: 'ms until every player plays on node B (lower is better)',
    unit: 'ms',
    digits: 0,
    rows,
    target: { value: TARGETS.failoverMs, label: `≤ ${TARGETS.failoverMs} ms` },
    footnote: `Target also: 0 lost, position error < ${TARGETS.failoverErrorMs} ms.`,
  };
}

function creation({ data }) {
  const rows = PEERS.map((client) => {
    const r = data[client];
    if (failed(r)) return row(client, null);
    const requests = r.requestsPerPlayer.median;
    return row(client, r.wallMs, `${requests} REST request${requests === 1 ? '' : 's'} per player`);
  });
  return {
    title: `Creation: ${data.lavafleet?.players?.toLocaleString('en-US') ?? '?'} guilds join and start playing at once`,
    subtitle: `fresh client and emulator, ${data.lavafleet?.samples?.length ?? '?'} samples after one unmeasured`,
    axisLabel: 'ms until the server plays every player (lower is better)',
    unit: 'ms',
    digits: 0,
    rows,
    target: { value: TARGETS.creationMs, label: `< ${TARGETS.creationMs} ms` },
    footnote: `Target also: ${TARGETS.requestsPerPlayer} REST request per player.`,
  };
}

function memory({ data }) {
  return {
    title: 'Memory per playing player',
    subtitle: `V8 heap with ${data.lavafleet?.players?.toLocaleString('en-US') ?? '?'} players minus the same client with none, forced GCs`,
    axisLabel: 'bytes of heap per playing player (lower is better)',
    unit: 'B',
    digits: 0,
    rows: PEERS.map((c) => row(c, failed(data[c]) ? null : data[c].bytesPerPlayer)),
    target: {
      value: TARGETS.bytesPerPlayer,
      label: `≤ ${TARGETS.bytesPerPlayer.toLocaleString('en-US')} B (1.5 KiB)`,
    },
  };
}

/** Chart name → [scenario key in results.json, spec builder]. */
export const CHARTS = {
  'connect-warm': ['connect', connectWarm],
  'connect-cold': ['connect', connectCold],
  creation: ['creation', creation],
  ingest: ['ingest', ingest],
  failover: ['failover', failover],
  resume: ['resume', resume],
  memory: ['memory', memory],
  rest: ['rest', rest],
};

/** Chart specs for the scenarios present in `results` ({ name: spec }); a spec that throws is skipped. */
export function chartSpecs(results) {
  const specs = {};
  for (const [name, [key, build]] of Object.entries(CHARTS)) {
    const scenario = results.scenarios[key];
    if (!scenario || failed(scenario.data)) continue;
    try {
      specs[name] = { id: name, ...build(scenario) };
    } catch (error) {
      specs[name] = { error: String(error) };
    }
  }
  return specs;
}

/**
 * Writes <dir>/charts/<name>.svg for every scenario in `results`. Returns { written: { name: title },
 * failed: { name: message } } (a chart that cannot be drawn must not cost the run its RESULTS.md).
 */
export function writeCharts(results, dir) {
  const chartsDir = join(dir, 'charts');
  mkdirSync(chartsDir, { recursive: true });
  const written = {};
  const failures = {};
  for (const [name, spec] of Object.entries(chartSpecs(results))) {
    try {
      if (spec.error) throw new Error(spec.error);
      writeFileSync(join(chartsDir, `${name}.svg`), renderBarChart(spec));
      written[name] = spec.title;
    } catch (error) {
      failures[name] = String(error);
    }
  }
  return { written, failed: failures };
}
