/**
 * How loaded a node is, as one number: lower is better. Pure functions only.
 *
 * The base is Lavalink's classic load-balancing formula (players, CPU, frame deficit and nulled
 * frames, the exponential terms from Lavalink's own balancer), plus what lavafleet measures itself:
 * memory pressure, WebSocket latency, recent failures, and the players it placed on the node since
 * the node's last stats frame (stats come once a minute, so without this a burst of joins would all
 * land on the node that looked emptiest a minute ago).
 */
import type { Stats } from '../protocol/stats.js';

/** What the penalty is computed from. */
export interface NodeLoad {
  /** Latest stats, or null before the first frame. */
  stats: Stats | null;
  /** Smoothed ping RTT in ms, or null. */
  latencyMs: number | null;
  /** Consecutive failures (breaker count). */
  failures: number;
  /** Players this client placed on the node since its last stats frame. */
  placedSinceStats: number;
}

/** The parts of a penalty, for metrics and for people debugging selection. */
export interface PenaltyBreakdown {
  players: number;
  cpu: number;
  deficitFrames: number;
  nulledFrames: number;
  memory: number;
  latency: number;
  failures: number;
  total: number;
}

/** CPU term: 1.05^(100 × load) × 10 − 10 (0 at idle, ~1,305 at full load). */
export function cpuPenalty(systemLoad: number): number {
  return 1.05 ** (100 * clamp01(systemLoad)) * 10 - 10;
}

/** Frame terms from a minute of per-player frame counts (3,000 frames a minute). */
export function framePenalties(frameStats: Stats['frameStats']): { deficit: number; nulled: number } {
  if (!frameStats) return { deficit: 0, nulled: 0 };
  const deficit = Math.max(0, frameStats.deficit);
  const nulled = Math.max(0, frameStats.nulled);
  return {
    deficit: 1.03 ** (500 * (deficit / 3000)) * 600 - 600,
    nulled: (1.03 ** (500 * (nulled / 3000)) * 300 - 300) * 2,
  };
}

/** Memory term: nothing below 70 % of the JVM's reservable heap, then rising steeply to 300 at 100 %. */
export function memoryPenalty(memory: Stats['memory'] | undefined): number {
  if (!memory || memory.reservable <= 0) return 0;
  const ratio = memory.used / memory.reservable;
  return ratio <= 0.7 ? 0 : ((Math.min(ratio, 1) - 0.7) / 0.3) ** 2 * 300;
}

/** Latency term: 1 point per 10 ms of ping (a node 100 ms away weighs like 10 more players). */
export function latencyPenalty(latencyMs: number | null): number {
  return latencyMs === null ? 0 : Math.max(0, latencyMs) / 10;
}

/** Failure term: 50 points per consecutive failure. */
export function failurePenalty(failures: number): number {
  return failures * 50;
}

/**
 * The stats-based part a node without stats is given: the mean of the nodes that have stats
 * ("neutral"), so a fresh node is neither preferred as empty nor shunned.
 */
export function neutralStatsPenalty(loads: readonly NodeLoad[]): number {
  let sum = 0;
  let count = 0;
  for (const load of loads) {
    if (!load.stats) continue;
    sum += statsPenalty(load.stats);
    count += 1;
  }
  return count === 0 ? 0 : sum / count;
}

/** The stats-based part of the penalty: players, CPU, frames, memory. */
export function statsPenalty(stats: Stats): number {
  const frames = framePenalties(stats.frameStats);
  return (
    stats.playingPlayers +
    cpuPenalty(stats.cpu.systemLoad) +
    frames.deficit +
    frames.nulled +
    memoryPenalty(stats.memory)
  );
}

/** The full penalty of one node; `neutral` is used for the stats part when the node has no stats. */
export function penaltyBreakdown(load: NodeLoad, neutral = 0): PenaltyBreakdown {
  const stats = load.stats;
  const frames = framePenalties(stats?.frameStats);
  const players = (stats?.playingPlayers ?? 0) + load.placedSinceStats;
  const cpu = stats ? cpuPenalty(stats.cpu.systemLoad) : 0;
  const memory = stats ? memoryPenalty(stats.memory) : 0;
  const latency = latencyPenalty(load.latencyMs);
  const failures = failurePenalty(load.failures);
  const base = stats
    ? players + cpu + frames.deficit + frames.nulled + memory
    : neutral + load.placedSinceStats;
  return {
    players,
    cpu,
    deficitFrames: frames.deficit,
    nulledFrames: frames.nulled,
    memory,
    latency,
    failures,
    total: base + latency + failures,
  };
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
