/** Shared data for the store benchmarks: player keys and ~1 KB player snapshots. */

/** The key of player `i`. */
export function playerKey(i: number): string {
  return `bot/123456789012345678/players/${String(100_000_000_000_000_000n + BigInt(i))}`;
}

/** A ~1 KB JSON snapshot of player `i` as of save `round`. */
export function playerValue(i: number, round: number): string {
  return JSON.stringify({
    v: 1,
    guildId: String(i),
    node: `node-${i % 4}`,
    positionMs: round * 5000,
    volume: 100,
    paused: false,
    track: 'QAAA'.padEnd(600, String.fromCharCode(65 + ((i + round) % 26))),
    queue: Array.from({ length: 3 }, (_, n) => `track-${i}-${round}-${n}`.padEnd(80, '=')),
  });
}

/** Median, p95 and max of `timings`, formatted. */
export function summarize(timings: number[]): string {
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${at(1).toFixed(2)} ms`;
}
