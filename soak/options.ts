/** Options of a soak run: types, defaults, and the one resolver that validates them. */
import type { BotTuning } from './bot-protocol.js';
import { DEFAULT_FAULT_WEIGHTS } from './plan.js';
import type { NodeFaultKind } from './plan.js';

export interface SoakOptions {
  /**
   * How long faults are thrown, in ms: `durationMs / chaosMs` cycles (at least one), each a window of
   * faults followed by a heal and a quiet checkpoint (which the duration does not count).
   * @defaultValue 600_000
   */
  durationMs?: number;
  /** Seed of every random choice. @defaultValue a random one (always reported) */
  seed?: number;
  /** @defaultValue 1_000 */
  players?: number;
  /** @defaultValue 3 */
  nodes?: number;
  /** Length of the fault window of each cycle. @defaultValue 6_000 */
  chaosMs?: number;
  /** How long a checkpoint waits for every guild to be fine. @defaultValue 15_000 */
  settleTimeoutMs?: number;
  /** How often the servers are read. @defaultValue 100 */
  sampleIntervalMs?: number;
  /** Players must be back on a live node this soon after their node failed. @defaultValue 2_000 */
  liveDeadlineMs?: number;
  /** Largest position error after a move. @defaultValue 1_000 */
  positionToleranceMs?: number;
  /** Largest heap growth (after GC) allowed, unless 25 % of the first sample is more. @defaultValue 8 MiB */
  heapGrowthBytes?: number;
  /** Relative weights of node faults (0 disables one). */
  faultWeights?: Partial<Record<NodeFaultKind, number>>;
  /** Faults per cycle. @defaultValue [2, 5] */
  faultsPerCycle?: readonly [number, number];
  /** Chance of a bot restart in a cycle. @defaultValue 0.3 */
  botRestartChance?: number;
  /** Chance that a kill or freeze may take down the last live node (for at most 1.2 s). @defaultValue 0.15 */
  allDownChance?: number;
  /** How the bot's pool is tuned. */
  tuning?: BotTuning;
  /** Progress lines. @defaultValue none */
  onProgress?: (line: string) => void;
}

export type ResolvedSoakOptions = Readonly<
  Required<Omit<SoakOptions, 'faultWeights' | 'onProgress'>> & {
    faultWeights: Readonly<Record<NodeFaultKind, number>>;
    onProgress: (line: string) => void;
  }
>;

/** The bot's tuning: heartbeats and probes short enough to find a dead or frozen node in about a second. */
export const DEFAULT_BOT_TUNING: BotTuning = Object.freeze({
  node: {
    heartbeatMs: 300,
    requestTimeoutMs: 2_000,
    reconnect: { baseDelayMs: 100, maxDelayMs: 1_000 },
    resume: { enabled: true, timeoutMs: 60_000 },
  },
  failover: { probeTimeoutMs: 150, resumeWaitMs: 1_500 },
  stateSaveIntervalMs: 1_000,
  // Scaled like the rest: within the checkpoint's settle time, a player lost silently is played again.
  syncIntervalMs: 5_000,
});

export const DEFAULT_SOAK_OPTIONS = Object.freeze({
  durationMs: 600_000,
  players: 1_000,
  nodes: 3,
  chaosMs: 6_000,
  settleTimeoutMs: 15_000,
  sampleIntervalMs: 100,
  liveDeadlineMs: 2_000,
  positionToleranceMs: 1_000,
  heapGrowthBytes: 8 * 1024 * 1024,
  faultsPerCycle: [2, 5] as const,
  botRestartChance: 0.3,
  allDownChance: 0.15,
});

/** Applies defaults and validates; throws a TypeError/RangeError naming the option. */
export function resolveSoakOptions(options: SoakOptions, randomSeed: () => number): ResolvedSoakOptions {
  const d = DEFAULT_SOAK_OPTIONS;
  const faultsPerCycle = options.faultsPerCycle ?? d.faultsPerCycle;
  const resolved = {
    durationMs: integer('durationMs', options.durationMs ?? d.durationMs, 1),
    seed: integer('seed', options.seed ?? randomSeed(), 0, 2 ** 32 - 1),
    players: integer('players', options.players ?? d.players, 1, 20_000),
    nodes: integer('nodes', options.nodes ?? d.nodes, 1, 16),
    chaosMs: integer('chaosMs', options.chaosMs ?? d.chaosMs, 1_000),
    settleTimeoutMs: integer('settleTimeoutMs', options.settleTimeoutMs ?? d.settleTimeoutMs, 100),
    sampleIntervalMs: integer('sampleIntervalMs', options.sampleIntervalMs ?? d.sampleIntervalMs, 10),
    liveDeadlineMs: integer('liveDeadlineMs', options.liveDeadlineMs ?? d.liveDeadlineMs, 1),
    positionToleranceMs: integer(
      'positionToleranceMs',
      options.positionToleranceMs ?? d.positionToleranceMs,
      1,
    ),
    heapGrowthBytes: integer('heapGrowthBytes', options.heapGrowthBytes ?? d.heapGrowthBytes, 0),
    faultWeights: Object.freeze({ ...DEFAULT_FAULT_WEIGHTS, ...options.faultWeights }),
    faultsPerCycle: [
      integer('faultsPerCycle[0]', faultsPerCycle[0], 0),
      integer('faultsPerCycle[1]', faultsPerCycle[1], faultsPerCycle[0]),
    ] as const,
    botRestartChance: fraction('botRestartChance', options.botRestartChance ?? d.botRestartChance),
    allDownChance: fraction('allDownChance', options.allDownChance ?? d.allDownChance),
    tuning: options.tuning ?? DEFAULT_BOT_TUNING,
    onProgress: options.onProgress ?? (() => undefined),
  };
  for (const [kind, weight] of Object.entries(resolved.faultWeights)) {
    if (typeof weight !== 'number' || !(weight >= 0)) {
      throw new RangeError(
        `Invalid option \`faultWeights.${kind}\`: expected a number >= 0, received ${weight}`,
      );
    }
  }
  return Object.freeze(resolved);
}

function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`Invalid option \`${name}\`: expected an integer, received ${String(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`Invalid option \`${name}\`: expected ${min}..${max}, received ${value}`);
  }
  return value;
}

function fraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`Invalid option \`${name}\`: expected a number in 0..1, received ${String(value)}`);
  }
  return value;
}
