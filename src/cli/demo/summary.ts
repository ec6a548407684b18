/** The end of a run in words, and whether it passed. */
import { BACKWARD_TOLERANCE_MS } from './audit.js';
import type { DemoResult } from './demo.js';
import { formatClock, formatMs, plural } from './format.js';
import { DEMO_DEFAULTS } from './settings.js';

const MAX_LISTED = 10;

/** A run passes when no guild was lost, none plays twice, and it was not interrupted. */
export function hasPassed(result: DemoResult): boolean {
  return result.verdict.lost.length === 0 && result.verdict.duplicates.length === 0 && !result.interrupted;
}

/** The summary, one string per line. */
export function renderSummary(result: DemoResult): string[] {
  const { verdict, counters, audit, settings } = result;
  const silence = result.silence;
  const gap = audit.longestGap;
  const done = result.timeline.filter((entry) => entry.state === 'done').length;
  const failed = result.timeline.filter((entry) => entry.state === 'failed');
  const row = (label: string, value: string): string => `  ${label.padEnd(18)}${value}`;
  const lines = [
    '',
    `Summary: ${plural(settings.guilds, 'guild')} on ${DEMO_DEFAULTS.nodes} nodes, ` +
      `${formatMs(result.elapsedMs)} scripted (setup ${formatMs(result.setupMs)})`,
    row('players lost', `${verdict.lost.length} of ${verdict.checked}`),
    row(
      'longest silence',
      silence === null
        ? '0 ms (no player had to move)'
        : `${formatMs(silence.ms)} (guild ${silence.guildId}, ${silence.from} failed → ${silence.to}); ` +
            `${plural(result.silencedGuilds, 'guild')} had a gap [estimated from events]`,
    ),
    row(
      'gaps on servers',
      gap === null
        ? 'none seen'
        : `at most ${formatMs(gap.ms)} (guild ${gap.guildId}, ${formatClock(gap.fromMs)}–${formatClock(gap.toMs)}; ` +
            `measured on the emulators every ${DEMO_DEFAULTS.sampleIntervalMs} ms)`,
    ),
    row('failovers', String(counters.failovers)),
    row('players moved', String(counters.moves)),
    row(
      'sessions resumed',
      `${counters.resumes}, with ${plural(counters.resumedPlayers, 'player')} still playing`,
    ),
    row(
      'players restored',
      `${counters.restored} after the bot restart: ${counters.restoredInPlace} resumed in place, ` +
        `${counters.restoredRecreated} re-created`,
    ),
    row(
      'queues',
      `${audit.tracksAdvanced} tracks advanced; ${audit.regressions.length} guilds went backwards ` +
        `(an earlier track, or more than ${formatMs(BACKWARD_TOLERANCE_MS)} back)`,
    ),
    row(
      'duplicates',
      `${verdict.duplicates.length} at the end (at most ${audit.peakDuplicates} at once during the run)`,
    ),
    row('errors', String(counters.errors)),
    row('timeline', `${done}/${result.timeline.length} steps as expected`),
  ];
  for (const entry of failed) lines.push(`    ✗ ${entry.title}: ${entry.note}`);
  for (const [message, count] of result.errorMessages) lines.push(`    ${count}× ${message}`);
  if (verdict.stale > 0) {
    lines.push(
      `  note: for ${plural(verdict.stale, 'guild')} the bot shows another track than its server plays (its view is behind)`,
    );
  }
  lines.push(...lostLines(result), '', verdictLine(result));
  return lines;
}

function lostLines(result: DemoResult): string[] {
  const { lost, duplicates } = result.verdict;
  if (lost.length === 0 && duplicates.length === 0) return [];
  const lines = ['', 'Lost guilds:'];
  for (const guild of lost.slice(0, MAX_LISTED)) lines.push(`  ${guild.guildId}: ${guild.reason}`);
  if (lost.length > MAX_LISTED) lines.push(`  … and ${lost.length - MAX_LISTED} more`);
  if (duplicates.length > 0)
    lines.push(`Playing on two servers: ${duplicates.slice(0, MAX_LISTED).join(', ')}`);
  return lines;
}

function verdictLine(result: DemoResult): string {
  if (result.interrupted) return 'Result: INTERRUPTED — the run did not finish.';
  if (hasPassed(result)) {
    return (
      'Result: PASS — through two kills, a blip and a bot restart, every guild kept playing on a live node ' +
      'and only ever moved forward through its queue.'
    );
  }
  const { lost, duplicates } = result.verdict;
  return `Result: FAIL — ${plural(lost.length, 'guild')} lost, ${duplicates.length} playing twice.`;
}
