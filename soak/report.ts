/** The soak's report as text: every invariant with pass/fail and its numbers, then the replay command. */
import type { SoakResult } from './result.js';

export function renderReport(result: SoakResult): string[] {
  const lines = [
    '',
    `lavafleet soak ${result.passed ? 'PASSED' : 'FAILED'}: seed ${result.seed}, ${result.players} players, ${result.nodes} nodes`,
    `ran ${(result.elapsedMs / 1000).toFixed(1)} s (faults for ${(result.durationMs / 1000).toFixed(0)} s), ${result.cycles} cycles`,
    `faults: ${counts(result.faults)}`,
    `bot restarts: ${result.botRestarts.graceful} graceful, ${result.botRestarts.abrupt} abrupt (kill -9)`,
    `pool: ${counts(result.botMetrics)}; error events: ${counts(result.poolErrors)}`,
    '',
  ];
  for (const invariant of result.invariants) {
    lines.push(`${invariant.passed ? 'PASS' : 'FAIL'}  ${invariant.name}: ${invariant.summary}`);
    for (const detail of invariant.details) lines.push(`        ${detail}`);
  }
  for (const [key, trace] of Object.entries(result.traces)) {
    lines.push('', `${key}:`);
    for (const line of trace) lines.push(`  ${line}`);
  }
  const heap = result.heap.map((s) => `${s.cycle}:${(s.botBytes / 1048576).toFixed(1)}(life ${s.life})`);
  lines.push('', `bot heap after GC, MB at checkpoint: ${heap.join(' ')}`);
  lines.push('', `replay: ${result.replay}`);
  return lines;
}

function counts(record: Readonly<Record<string, number>>): string {
  const entries = Object.entries(record).filter(([, count]) => count > 0);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}
