// Turns results.json into RESULTS.md: machine, command, a summary against the targets, and one table
// per scenario. Numbers only; the explanations that do not change between runs are in NOTES below.

import { TARGETS } from './targets.mjs';

export { TARGETS };

import {
  NAMES,
  PEERS,
  bestOf,
  failed,
  num,
  range,
  ratio,
  summarize,
  table,
  verdict,
} from './render-format.mjs';
import { restore, save } from './render-state.mjs';

// ---- one section per scenario; each returns { markdown, summary: [rows for the summary table] } ----

function ingest({ data }) {
  const stats = {};
  for (const [client, runs] of Object.entries(data.runs)) {
    const ok = runs.filter((r) => !failed(r));
    stats[client] = ok.length ? summarize(ok.flatMap((r) => r.samples.map((s) => s.usPerFrame))) : null;
  }
  const floor = stats.floor?.median ?? null;
  const best = bestOf(PEERS.map((c) => stats[c]?.median));
  const rows = Object.keys(data.runs).map((client) => {
    const s = stats[client];
    const isLavafleet = client.startsWith('lavafleet');
    const ok = s && floor ? s.median <= TARGETS.ingestVsFloor * floor : null;
    return [
      NAMES[client],
      s ? num(s.median) : 'error',
      range(s),
      client === 'floor' ? '1.00×' : ratio(s?.median, floor),
      client === 'floor' ? '1.00×' : ratio(s?.min, stats.floor?.min),
      PEERS.includes(client) ? ratio(s?.median, best) : '—',
      s?.samples ?? 0,
      isLavafleet ? verdict(ok) : '—',
    ];
  });
  const first = Object.values(data.runs)
    .flat()
    .find((r) => !failed(r));
  const perRound = first
    ? `${first.players.toLocaleString('en-US')} players × ${first.framesPerRound} frames`
    : '';
  const markdown = [
    `CPU of the client process per \`playerUpdate\` frame, µs (${perRound} per round; rounds from ${data.passes} interleaved pass(es)). Target: lavafleet ≤ ${TARGETS.ingestVsFloor}× the floor, on medians. *vs floor, best rounds* compares minimums: other work on the machine only ever adds CPU time, so a median far above its minimum means the rounds were disturbed.`,
    '',
    table(
      [
        'client',
        'µs/frame (median)',
        'min–max',
        'vs floor',
        'vs floor, best rounds',
        'vs best peer',
        'rounds',
        'target',
      ],
      rows,
    ),
  ].join('\n');
  const lf = stats.lavafleet?.median;
  const node = stats['lavafleet-node']?.median;
  return {
    markdown,
    summary: [
      [
        `Ingest, Pool with ${first ? first.players.toLocaleString('en-US') : '?'} players (µs CPU/frame)`,
        `≤ ${TARGETS.ingestVsFloor}× floor (${num(floor)})`,
        `${num(lf)} (${ratio(lf, floor)}; best rounds ${ratio(stats.lavafleet?.min, stats.floor?.min)})`,
        bestPeer(stats, (s) => s?.median, num),
        verdict(lf && floor ? lf <= TARGETS.ingestVsFloor * floor : null),
      ],
      [
        'Ingest, bare Node (µs CPU/frame)',
        `≤ ${TARGETS.ingestVsFloor}× floor`,
        `${num(node)} (${ratio(node, floor)}; best rounds ${ratio(stats['lavafleet-node']?.min, stats.floor?.min)})`,
        '—',
        verdict(node && floor ? node <= TARGETS.ingestVsFloor * floor : null),
      ],
    ],
  };
}

function bestPeer(stats, pick, format) {
  let best = null;
  for (const client of ['shoukaku', 'lavalink-client']) {
    const value = pick(stats[client]);
    if (Number.isFinite(value) && (best === null || value < best.value)) best = { client, value };
  }
  return best ? `${format(best.value)} (${NAMES[best.client]})` : '—';
}

function connect({ data }, chart) {
  const warm = data.warm;
  const warmBest = bestOf(PEERS.map((c) => warm[c]?.ms?.median));
  const warmRows = Object.entries(warm).map(([client, r]) => [
    NAMES[client],
    failed(r) ? 'error' : num(r.ms.median),
    failed(r) ? '—' : range(r.ms),
    PEERS.includes(client) ? ratio(r.ms?.median, warmBest) : '—',
    client.startsWith('lavafleet') && !failed(r) ? verdict(r.ms.median < TARGETS.warmMs) : '—',
  ]);
  const cold = failed(data.cold) ? {} : data.cold.clients;
  const markdown = [
    `${chart('connect-warm')}**Warm** (one process, new client → ready → close, ${warm.lavafleet?.samples ?? '?'} samples ${warm.lavafleet?.gapMs ?? 5} ms apart after 5 unmeasured), ms. Target: < ${TARGETS.warmMs} ms.`,
    '',
    table(['client', 'median', 'min–max', 'vs best peer', 'target'], warmRows),
    '',
    `${chart('connect-cold')}${coldMarkdown(data.cold, cold)}`,
  ].join('\n');
  const lfWarm = warm.lavafleet?.ms?.median;
  const lfCold = cold.lavafleet?.connectMs?.median;
  return {
    markdown,
    summary: [
      [
        'Connect to ready, warm (ms)',
        `< ${TARGETS.warmMs}`,
        num(lfWarm),
        bestPeer(warm, (r) => r?.ms?.median, num),
        verdict(Number.isFinite(lfWarm) ? lfWarm < TARGETS.warmMs : null),
      ],
      [
        'Connect to ready, cold: first connect in a fresh process, import excluded (ms)',
        `< ${TARGETS.coldMs}`,
        `${num(lfCold, 1)} (floor ${num(cold.floor?.connectMs?.median, 1)})`,
        bestPeer(
          cold,
          (r) => r?.connectMs?.median,
          (v) => num(v, 1),
        ),
        verdict(Number.isFinite(lfCold) ? lfCold < TARGETS.coldMs : null),
      ],
    ],
  };
}

// Cold: judged on connectMs (library imported → ready); import and Node's start-up are information.
function coldMarkdown(run, cold) {
  const connectBest = bestOf(PEERS.map((c) => cold[c]?.connectMs?.median));
  const floor = cold.floor?.connectMs?.median;
  const rows = Object.entries(cold).map(([client, r]) => {
    const isEmpty = client === 'empty';
    const connect = isEmpty ? null : r.connectMs;
    return [
      NAMES[client],
      isEmpty ? '—' : connect ? num(connect.median, 1) : 'not measured',
      isEmpty ? '—' : range(connect, 1),
      isEmpty || client === 'floor' ? '—' : ratio(connect?.median, floor),
      PEERS.includes(client) ? ratio(connect?.median, connectBest) : '—',
      isEmpty ? '—' : num(r.coldMs.median, 1),
      num(r.totalMs.median, 1),
      num(r.bootMs.median, 1),
      client === 'lavafleet' && connect ? verdict(connect.median < TARGETS.coldMs) : '—',
    ];
  });
  const missing = Object.values(cold).some((r) => !r.connectMs)
    ? ' *not measured*: these results predate the connect measure; rerun `npm run bench -- --only=connect`.'
    : '';
  return [
    `**Cold** (a fresh \`node\` process per sample, ${run?.samples ?? '?'} samples each, clients interleaved), ms. *Connect* is the judged number: from the library imported to ready, the first connect in a fresh process. *Import + connect* adds importing the library and its dependencies (from the script's first line); *process start → ready* adds Node's own start-up (*Node boot*). Each client's ready is its own: the \`ready\` op for the floor, lavafleet and Shoukaku; for lavalink-client, the \`ready\` op and its \`/v4/info\` fetched (its searches refuse to run before). Target: connect < ${TARGETS.coldMs} ms.${missing}`,
    '',
    table(
      [
        'client',
        'connect (median)',
        'min–max',
        'vs floor',
        'vs best peer',
        'import + connect',
        'process start → ready',
        'Node boot',
        'target',
      ],
      rows,
    ),
  ].join('\n');
}

function rest({ data }) {
  const best = bestOf(PEERS.map((c) => data[c]?.msPerUpdate?.median));
  const rows = PEERS.map((client) => {
    const r = data[client];
    if (failed(r)) return [NAMES[client], 'error', '—', '—', '—', '—', '—'];
    return [
      NAMES[client],
      num(r.msPerUpdate.median, 3),
      range(r.msPerUpdate, 3),
      num(summarize(r.samples.map((s) => s.wallMs)).median, 0),
      r.samples.map((s) => s.requests).join(', '),
      ratio(r.msPerUpdate.median, best),
      verdict(r.msPerUpdate.median <= TARGETS.restMs),
    ];
  });
  const any = PEERS.map((c) => data[c]).find((r) => !failed(r));
  const markdown = [
    `Client CPU per player update (PATCH, volume change), ms: ${any?.updates ?? 1000} updates on ${any?.players ?? 100} playing players, ${any?.concurrency ?? 50} in flight, per round. Target: ≤ ${TARGETS.restMs} ms.`,
    '',
    table(
      [
        'client',
        'ms CPU/update (median)',
        'min–max',
        'wall ms per round',
        'PATCHes per round',
        'vs best peer',
        'target',
      ],
      rows,
    ),
  ].join('\n');
  const lf = data.lavafleet?.msPerUpdate?.median;
  return {
    markdown,
    summary: [
      [
        'REST: CPU per player update (ms)',
        `≤ ${TARGETS.restMs}`,
        num(lf, 3),
        bestPeer(
          data,
          (r) => r?.msPerUpdate?.median,
          (v) => num(v, 3),
        ),
        verdict(Number.isFinite(lf) ? lf <= TARGETS.restMs : null),
      ],
    ],
  };
}

function resume({ data }) {
  const cell = (r) => {
    if (failed(r)) return ['error', '—'];
    const times = r.resumedAfterMs.filter((t) => t !== null);
    const s = summarize(times);
    return [`${r.resumed}/${r.sessions}`, times.length ? `${num(s.median, 0)} (max ${num(s.max, 0)})` : '—'];
  };
  const rows = PEERS.map((client) => {
    const outage = data.outage?.[client];
    const blip = data.blip?.[client];
    return [
      NAMES[client],
      ...cell(outage),
      ...cell(blip),
      failed(outage) ? '—' : verdict(outage.resumed >= outage.sessions),
    ];
  });
  const any = data.outage?.lavafleet;
  const markdown = [
    `${any?.sessions ?? 5} sessions with ${any?.playersPerSession ?? 3} playing players each. *Outage*: the socket is reset and the server refuses handshakes (503) for 1 s, then accepts them. *Blip*: the socket is reset and the server accepts a reconnect at once. Resumed = same Lavalink session, every player still on the server playing the same track from at least where it was, and still known to the client, 0.5 s after the first such check. Target: 5/5 (outage).`,
    '',
    table(
      [
        'client',
        'outage: resumed',
        'outage: ms to resume, median (max)',
        'blip: resumed',
        'blip: ms to resume, median (max)',
        'target',
      ],
      rows,
    ),
  ].join('\n');
  const lf = data.outage?.lavafleet;
  return {
    markdown,
    summary: [
      [
        'Resume after a 1 s outage (sessions resumed)',
        `${lf?.sessions ?? TARGETS.resumed}/${lf?.sessions ?? TARGETS.resumed}`,
        failed(lf) ? 'error' : `${lf.resumed}/${lf.sessions}`,
        bestPeer(
          data.outage ?? {},
          (r) => (failed(r) ? null : -r.resumed),
          (v) => `${-v}/${lf?.sessions ?? TARGETS.resumed}`,
        ),
        verdict(failed(lf) ? null : lf.resumed >= lf.sessions),
      ],
    ],
  };
}

function failoverOk(r) {
  if (failed(r)) return null;
  return (
    r.lost === 0 &&
    r.elapsedMs !== null &&
    r.elapsedMs <= TARGETS.failoverMs &&
    r.positionErrorMs.max < TARGETS.failoverErrorMs
  );
}

function failover({ data }) {
  const rows = PEERS.map((client) => {
    const r = data[client];
    if (failed(r)) return [NAMES[client], 'error', '—', '—', '—', '—', '—', '—'];
    return [
      NAMES[client],
      `${r.moved}/${r.players}`,
      String(r.lost),
      r.elapsedMs === null ? `not all (watched ${num(r.watchedMs / 1000, 1)} s)` : num(r.elapsedMs, 0),
      r.positionErrorMs.samples
        ? `${num(r.positionErrorMs.median, 0)} / ${num(r.positionErrorMs.max, 0)}`
        : '—',
      num(r.clientCpuMs, 0),
      num(r.serverCpuMs, 0),
      verdict(failoverOk(r)),
    ];
  });
  const any = data.lavafleet;
  const markdown = [
    `${any?.players ?? 1000} playing players on node A, node B ready; A killed (TCP reset, sessions gone). *Time* runs from the kill until B plays every player; the watch ends when all moved, after ${num((any?.windowMs ?? 15000) / 1000, 0)} s, or when no player moved for 4 s. *Position error* = |position on B − (position on A at the kill + time since)|, over the players that moved. CPU = ms used from the kill to the end of the watch. Target: all within ${TARGETS.failoverMs} ms, 0 lost, error < ${TARGETS.failoverErrorMs} ms (max).`,
    '',
    table(
      [
        'client',
        'moved',
        'lost',
        'ms until all on B',
        'position error ms, median / max',
        'client CPU ms',
        'emulator CPU ms',
        'target',
      ],
      rows,
    ),
  ].join('\n');
  const lf = data.lavafleet;
  return {
    markdown,
    summary: [
      [
        `Failover of ${lf?.players?.toLocaleString('en-US') ?? '?'} players: time / lost / max position error`,
        `≤ ${TARGETS.failoverMs} ms / 0 / < ${TARGETS.failoverErrorMs} ms`,
        failed(lf)
          ? 'error'
          : `${num(lf.elapsedMs, 0)} ms / ${lf.lost} / ${num(lf.positionErrorMs.max, 0)} ms`,
        failed(data['lavalink-client'])
          ? '—'
          : `${num(data['lavalink-client'].elapsedMs, 0)} ms / ${data['lavalink-client'].lost} / ${num(data['lavalink-client'].positionErrorMs.max, 0)} ms (lavalink-client)`,
        verdict(failoverOk(lf)),
      ],
    ],
  };
}

function creation({ data }) {
  const best = bestOf(PEERS.map((c) => data[c]?.wallMs?.median));
  const rows = PEERS.map((client) => {
    const r = data[client];
    if (failed(r)) return [NAMES[client], 'error', '—', '—', '—', '—', '—', '—'];
    return [
      NAMES[client],
      num(r.wallMs.median, 0),
      range(r.wallMs, 0),
      num(r.requestsPerPlayer.median, 2),
      num(r.clientCpuMs.median, 0),
      num(r.serverCpuMs.median, 0),
      ratio(r.wallMs.median, best),
      verdict(
        Number.isFinite(r.wallMs.median)
          ? r.wallMs.median < TARGETS.creationMs && r.requestsPerPlayer.median <= TARGETS.requestsPerPlayer
          : null,
      ),
    ];
  });
  const any = data.lavafleet;
  const markdown = [
    `${any?.players ?? 1000} guilds join voice and start playing, all at once, on a fresh client and emulator (${any?.samples?.length ?? '?'} samples after one unmeasured). Wall time until the emulator reports every player playing with voice connected. Target: < ${TARGETS.creationMs} ms and ${TARGETS.requestsPerPlayer} REST request per player.`,
    '',
    table(
      [
        'client',
        'ms (median)',
        'min–max',
        'REST requests / player',
        'client CPU ms',
        'emulator CPU ms',
        'vs best peer',
        'target',
      ],
      rows,
    ),
  ].join('\n');
  const lf = data.lavafleet;
  return {
    markdown,
    summary: [
      [
        `Creation of ${lf?.players?.toLocaleString('en-US') ?? '?'} playing players: ms / requests per player`,
        `< ${TARGETS.creationMs} / ${TARGETS.requestsPerPlayer}`,
        failed(lf) ? 'error' : `${num(lf.wallMs.median, 0)} / ${num(lf.requestsPerPlayer.median, 0)}`,
        bestPeer(
          data,
          (r) => r?.wallMs?.median,
          (v) => `${num(v, 0)} ms`,
        ),
        verdict(
          failed(lf)
            ? null
            : lf.wallMs.median < TARGETS.creationMs &&
                lf.requestsPerPlayer.median <= TARGETS.requestsPerPlayer,
        ),
      ],
    ],
  };
}

function memory({ data }) {
  const best = bestOf(PEERS.map((c) => data[c]?.bytesPerPlayer?.median));
  const rows = PEERS.map((client) => {
    const r = data[client];
    if (failed(r)) return [NAMES[client], 'error', '—', '—', '—'];
    return [
      NAMES[client],
      num(r.bytesPerPlayer.median, 0),
      range(r.bytesPerPlayer, 0),
      ratio(r.bytesPerPlayer.median, best),
      verdict(r.bytesPerPlayer.median <= TARGETS.bytesPerPlayer),
    ];
  });
  const any = data.lavafleet;
  const markdown = [
    `V8 heap per playing player, bytes: heap after ${any?.players ?? 1000} players minus the same client connected with none (forced GCs, one unmeasured warm-up sample), minus what the bench's fake Discord keeps per guild (${num(any?.harnessBytesPerPlayer, 0)} B, measured apart). All players share one Track object: track data is not counted. Target: ≤ ${TARGETS.bytesPerPlayer} B (1.5 KiB).`,
    '',
    table(['client', 'bytes/player (median)', 'min–max', 'vs best peer', 'target'], rows),
  ].join('\n');
  const lf = data.lavafleet;
  return {
    markdown,
    summary: [
      [
        'Memory per playing player (bytes)',
        `≤ ${TARGETS.bytesPerPlayer}`,
        failed(lf) ? 'error' : num(lf.bytesPerPlayer.median, 0),
        bestPeer(
          data,
          (r) => r?.bytesPerPlayer?.median,
          (v) => num(v, 0),
        ),
        verdict(failed(lf) ? null : lf.bytesPerPlayer.median <= TARGETS.bytesPerPlayer),
      ],
    ],
  };
}

function codec({ data }) {
  if (failed(data)) return { markdown: `error: ${data?.error ?? ''}`, summary: [] };
  const none = 'none (REST `/v4/decodetrack`)';
  const markdown = [
    `In-process, no server. ${data.tracks} encoded tracks of several sources (YouTube, SoundCloud, HTTP with probe info, a stream). Cache: \`TrackCache\` with defaults (200 entries); *1M mixed* = ${data.mixedOps.toLocaleString('en-US')} operations (\`get\`, and \`set\` on a miss) over 5,000 identifiers with a Zipf(1) skew (hit rate ${num(data.mixedHitRate * 100, 0)} %). No targets.`,
    '',
    table(
      ['measure', 'lavafleet (median)', 'min–max', 'Shoukaku', 'lavalink-client'],
      [
        ['`decodeTrack()` µs per track', num(data.decodeUs.median, 2), range(data.decodeUs), none, none],
        [
          '`TrackCache.get()` hit, µs',
          num(data.cacheHitUs.median, 2),
          range(data.cacheHitUs),
          'no cache',
          'no cache',
        ],
        [
          `${(data.mixedOps / 1e6).toLocaleString('en-US')}M mixed cache operations, ms`,
          num(data.mixedOpsMs.median, 0),
          range(data.mixedOpsMs, 0),
          'no cache',
          'no cache',
        ],
      ],
    ),
  ].join('\n');
  return {
    markdown,
    summary: [
      [
        'Track decode / cache hit (µs)',
        '—',
        `${num(data.decodeUs.median)} / ${num(data.cacheHitUs.median)}`,
        'not available',
        '—',
      ],
    ],
  };
}

const SECTIONS = [
  ['ingest', '1. Ingest: CPU per `playerUpdate` frame', ingest],
  ['connect', '2. Connect to ready', connect],
  ['rest', '3. REST: CPU per player update', rest],
  ['resume', '4. Resume after a connection loss', resume],
  ['failover', '5. Failover: node A killed', failover],
  ['creation', '6. Creation: players joined and playing', creation],
  ['memory', '7. Memory per playing player', memory],
  ['codec', '8. Track decode and track cache', codec],
  ['save', '9. Saving player state', save],
  ['restore', '10. Restoring players after a bot restart', restore],
];

// A section shows the chart of its own name above its text, unless it places its charts itself.
const PLACES_OWN_CHARTS = new Set(['connect']);

/** RESULTS.md for `results`; `charts` ({ name: title }) are the charts written beside it (charts/<name>.svg). */
export function renderResults({ meta, scenarios }, { charts = {} } = {}) {
  const out = [];
  const summary = [];
  const sections = [];
  for (const [key, title, render] of SECTIONS) {
    const scenario = scenarios[key];
    if (!scenario) continue;
    // Markdown for chart `name` (charts/<name>.svg), or '' when it was not drawn.
    const chart = (name) => (charts[name] === undefined ? '' : `![${charts[name]}](charts/${name}.svg)\n\n`);
    let rendered;
    try {
      rendered = render(scenario, chart);
    } catch (error) {
      rendered = { markdown: `Could not render: ${String(error)}`, summary: [] };
    }
    summary.push(...rendered.summary);
    const when =
      Math.abs(Date.parse(scenario.date) - Date.parse(meta.date)) < 3_600_000
        ? ''
        : ` Run ${scenario.date.replace('T', ' ').slice(0, 16)} UTC (an earlier run),`;
    const images = PLACES_OWN_CHARTS.has(key) ? '' : chart(key);
    sections.push(
      `## ${title}\n\n${images}${rendered.markdown}\n\n<sub>${when} ${scenario.seconds} s, load average after: ${scenario.loadAverage.join(' / ')}.</sub>`,
    );
  }
  out.push('# lavafleet benchmark results', '');
  out.push('Generated by `bench/run.mjs`; the method of each scenario is in [README.md](README.md).', '');
  out.push(
    table(
      ['', ''],
      [
        ['Machine', `${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB, ${meta.os}`],
        ['Node.js', meta.node],
        [
          'Versions',
          Object.entries(meta.versions)
            .map(([name, v]) => `${name} ${v}`)
            .join(', '),
        ],
        [
          'Command',
          `\`npm run bench\` (\`${meta.command}\`)${meta.quick ? ' — quick mode: smaller sizes, not comparable' : ''}`,
        ],
        ['Date', `${meta.date.replace('T', ' ').slice(0, 19)} UTC`],
        [
          'Load average (1/5/15 min)',
          `start ${meta.loadAverageStart.join(' / ')}, end ${(meta.loadAverageEnd ?? []).join(' / ')} (${meta.cores} cores; above ~1 other work competed)`,
        ],
      ],
    ),
  );
  out.push('', '## Summary against the targets', '');
  out.push(table(['scenario', 'target', 'lavafleet', 'best peer', 'lavafleet verdict'], summary));
  out.push('', ...sections.flatMap((s) => [s, '']));
  out.push(NOTES);
  return `${out.join('\n').trim()}\n`;
}

const NOTES = `## How the peers were driven, and what they cannot do

- **Same server, same fake Discord.** Every client talks to the same \`LavalinkEmulator\` (from the built
  \`lavafleet/testing\`), always in a separate process, and gets its voice packets from the same
  \`TestConnector\`, which answers each gateway op 4 with \`VOICE_STATE_UPDATE\` + \`VOICE_SERVER_UPDATE\`
  on a microtask. Shoukaku gets it through a 15-line subclass of its exported \`Connector\` (the class
  its own discord.js/Eris/Oceanic adapters extend); lavalink-client through \`sendToShard\` and
  \`sendRawData\`.
- **Options.** Defaults everywhere, except what a scenario needs and each library documents as an
  option: Shoukaku \`resume: true, resumeTimeout: 60\` (resume), \`moveOnDisconnect: true,
  reconnectTries: 1, reconnectInterval: 1\` (failover: it moves players only after it stops
  reconnecting; the defaults, 3 tries × 5 s, would only delay that), a \`nodeResolver\` that prefers node A
  (failover, to place every player on A); lavalink-client \`autoMove: true\` (failover), \`retryDelay:
  1000\` (resume: reconnect inside the window; the default is 10 s), \`node: 'A'\` on \`createPlayer\`;
  lavafleet \`store: false\`, \`node: 'A'\` on \`join\` (failover).
- **Resume, lavalink-client: 0/5 by design.** It never asks the server to keep the session (no
  \`PATCH /sessions\` unless the bot calls \`node.updateSession()\`), and it reconnects without a
  \`Session-Id\` header unless the bot passed \`sessionId\` itself; re-attaching players after a
  \`resumed\` event is also left to the bot. With no code beyond setup, the server drops the session and
  the players with it.
- **Resume, Shoukaku: outage.** A drop with an immediate reconnect resumes. When the first reconnect
  attempt fails (here: the 503s of the 1 s outage), Shoukaku 4.3.0 waits \`reconnectInterval\`, connects and
  resumes, but then tears the new socket down and removes the node: \`Node.connect()\` keeps the first
  attempt's error (\`connectError\`) after a later attempt succeeded and treats the whole connect as
  failed. The players stay in Shoukaku's map with no node.
- **Failover, Shoukaku: 0 moved.** With \`moveOnDisconnect\`, \`Player.move()\` first calls
  \`destroy()\` on the dead node; that REST call fails (connection refused), so \`move()\` rejects before
  switching nodes, for every player. (Shoukaku also sends the position of the last \`playerUpdate\`,
  not the current one.)
- **Failover, lavalink-client.** \`autoMove\` moves players with its default migration limits (5 at a
  time, 2 per target node), each with a new op 4 and three PATCHes on the new node (voice, track,
  filters), and resumes the track at \`lastPosition\`, the position of the last \`playerUpdate\`
  (up to the update interval behind).
- **Creation.** Shoukaku and lavalink-client send the voice state and the track in two requests per
  player (\`joinVoiceChannel\` then \`playTrack\`; \`connect()\` then \`play()\`); their APIs have no single
  call that does both.
- **Decode and cache.** Neither peer decodes tracks locally or caches load results.
- **Noise.** This machine has 2 cores; the client and the emulator take one each. Other work on the
  machine (see the load averages) slows wall-clock scenarios (connect, failover, creation) and, less,
  CPU-time ones. Rerun with \`npm run bench -- --only=<scenario>\` on a quiet machine before reading
  small differences.
`;
