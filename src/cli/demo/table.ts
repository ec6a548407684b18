/** Renders a {@link DemoSnapshot}: the live table (a terminal) and the one-line status (plain output). */
import type { Color } from './format.js';
import { formatClock, formatMs, padEnd, padStart, paint, truncate } from './format.js';
import type { TimelineEntry } from './scenario.js';
import type { DemoSnapshot, NodeRow } from './snapshot.js';

const BAR_WIDTH = 30;
const STATE_MARKS: Record<TimelineEntry['state'], { mark: string; color: Color }> = {
  pending: { mark: '·', color: 'dim' },
  running: { mark: '▶', color: 'cyan' },
  done: { mark: '✓', color: 'green' },
  failed: { mark: '✗', color: 'red' },
};

/** The live table, one string per line, each cut to `width` columns. */
export function renderTable(snapshot: DemoSnapshot, color: boolean, width: number): string[] {
  const c = (text: string, name: Color): string => paint(text, name, color);
  const { counters } = snapshot;
  const lines = [
    c(
      `lavafleet demo · ${snapshot.nodes.length} emulated Lavalink nodes · ${snapshot.guilds} guilds`,
      'bold',
    ),
    '',
    c(' node     server  pool status    penalty  players  playing  latency', 'dim'),
    ...snapshot.nodes.map((node) => nodeLine(node, c)),
    '',
    ` players ${snapshot.players ?? c('bot down', 'yellow')}   failovers ${counters.failovers}   ` +
      `moves ${counters.moves}   resumes ${counters.resumes} (${counters.resumedPlayers} players)   ` +
      `restored ${counters.restored}`,
    ` tracks advanced ${snapshot.tracksAdvanced}   silent now ${snapshot.silent === 0 ? '0' : c(String(snapshot.silent), 'yellow')}   ` +
      `longest silence ${snapshot.longestSilenceMs === null ? '—' : formatMs(snapshot.longestSilenceMs)}   ` +
      `errors ${counters.errors === 0 ? '0' : c(String(counters.errors), 'yellow')}`,
    '',
    c(' timeline', 'dim'),
    ...snapshot.timeline.map((entry) => timelineLine(entry, c)),
    '',
    progressLine(snapshot, c),
  ];
  return lines.map((line) => truncate(line, width));
}

/** One line of plain output: where the run is and how each node does. */
export function renderStatusLine(snapshot: DemoSnapshot): string {
  const nodes = snapshot.nodes
    .map(
      (node) =>
        `${node.identifier}: ${node.serverUp ? (node.status ?? 'up') : 'down'}, ${node.playing} playing`,
    )
    .join(' | ');
  const { counters } = snapshot;
  return (
    `${clockPrefix(snapshot)} ${nodes} | players ${snapshot.players ?? 'bot down'}, moves ${counters.moves}, ` +
    `resumes ${counters.resumes}, restored ${counters.restored}, advanced ${snapshot.tracksAdvanced}, silent ${snapshot.silent}`
  );
}

/** `[  9.4s/30.0s]` */
export function clockPrefix(snapshot: Pick<DemoSnapshot, 'elapsedMs' | 'durationMs'>): string {
  return `[${formatClock(snapshot.elapsedMs).padStart(6)}/${formatClock(snapshot.durationMs)}]`;
}

function nodeLine(node: NodeRow, c: (text: string, name: Color) => string): string {
  const server = node.serverUp ? c('up', 'green') : c('down', 'red');
  const status = node.status === null ? c('bot down', 'dim') : c(node.status, statusColor(node.status));
  return (
    ` ${padEnd(node.identifier, 8)} ${padEnd(server, 6)}  ${padEnd(status, 13)}` +
    ` ${padStart(node.penalty === null ? '—' : String(Math.round(node.penalty)), 7)}` +
    ` ${padStart(node.players === null ? '—' : String(node.players), 8)}` +
    ` ${padStart(String(node.playing), 8)}` +
    ` ${padStart(node.latencyMs === null ? '—' : `${Math.round(node.latencyMs)} ms`, 8)}`
  );
}

function statusColor(status: string): Color {
  if (status === 'connected') return 'green';
  return status === 'disconnected' ? 'red' : 'yellow';
}

function timelineLine(entry: TimelineEntry, c: (text: string, name: Color) => string): string {
  const { mark, color } = STATE_MARKS[entry.state];
  const text = entry.state === 'pending' || entry.state === 'running' ? entry.purpose : entry.note;
  const note = entry.state === 'pending' ? c(text, 'dim') : entry.state === 'failed' ? c(text, 'red') : text;
  return `  ${c(mark, color)} ${formatClock(entry.atMs).padStart(6)}  ${padEnd(entry.title, 16)} ${note}`;
}

function progressLine(snapshot: DemoSnapshot, c: (text: string, name: Color) => string): string {
  const ratio = Math.min(1, Math.max(0, snapshot.elapsedMs / snapshot.durationMs));
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = c('█'.repeat(filled), 'cyan') + c('░'.repeat(BAR_WIDTH - filled), 'dim');
  return ` ${bar} ${formatClock(snapshot.elapsedMs).padStart(6)} / ${formatClock(snapshot.durationMs)}   ${snapshot.phase}`;
}
