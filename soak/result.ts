/**
 * The end of a run: every invariant with pass/fail and its numbers, from what the engine recorded,
 * the observer measured and the bot reported.
 *
 * Heap bound: the bot's heap is sampled after a full GC at every checkpoint. Within one bot life
 * (three samples or more), the last sample may exceed the smaller of the first two by at most
 * `heapGrowthBytes` or 25 % of that first sample, whichever is larger; so may the first sample of
 * the last restored life exceed that of the first restored life (a restored bot holds a copy of every
 * guild's tracks, so it starts higher than the bot that joined them). The slack covers what grows and
 * then stops: queue histories (capped at 50 tracks per guild), the track cache, V8's code and
 * feedback caches. A leak of a few hundred bytes per player per cycle exceeds it in a ten-minute run.
 */
import type { BotController, Unhandled } from './bot-controller.js';
import type { Observer } from './observer.js';
import type { ResolvedSoakOptions } from './options.js';

export interface GuildVerdict {
  guildId: string;
  reason: string;
  /** Cycles run when it was found (0: right after the joins). */
  cycle: number;
  atMs: number;
}

export interface HeapSample {
  cycle: number;
  /** Which bot process (1 = the first). */
  life: number;
  botBytes: number;
  /** The soak process itself (emulators and observer); reported, not judged. */
  soakBytes: number;
}

/** What the engine records as it goes. */
export interface SoakRecord {
  lost: Map<string, GuildVerdict>;
  ghosts: Map<string, GuildVerdict>;
  checkpoints: Array<{ cycle: number; settleMs: number; problems: number }>;
  heap: HeapSample[];
  faults: Record<string, number>;
  /** Failures of the harness itself (a join, a fault, a bot restart): the run cannot vouch for anything. */
  harness: string[];
  unhandled: Unhandled[];
  /** Resources of the soak process left after everything stopped. */
  mainLeftover: string[];
  /** For guilds that broke an invariant: the servers' and the bot's side of their story. */
  traces: Map<string, string[]>;
}

export interface Invariant {
  name: string;
  passed: boolean;
  summary: string;
  details: string[];
}

export interface SoakResult {
  passed: boolean;
  seed: number;
  durationMs: number;
  players: number;
  nodes: number;
  elapsedMs: number;
  cycles: number;
  faults: Record<string, number>;
  botRestarts: { graceful: number; abrupt: number };
  botMetrics: BotController['metrics'];
  poolErrors: Record<string, number>;
  invariants: Invariant[];
  heap: HeapSample[];
  /** Per guild that broke an invariant (the first few): what the servers and the bot saw. */
  traces: Record<string, string[]>;
  /** The command that replays this run. */
  replay: string;
}

interface ResultInput {
  options: ResolvedSoakOptions;
  elapsedMs: number;
  cycles: number;
  record: SoakRecord;
  observer: Observer;
  bot: BotController;
  players: number;
}

const MAX_DETAILS = 10;

export function buildResult(input: ResultInput): SoakResult {
  const { options, record, observer, bot } = input;
  const invariants = [
    lostInvariant(input),
    ghostInvariant(record, observer),
    liveInvariant(options, observer),
    positionInvariant(options, observer),
    unhandledInvariant([...record.unhandled, ...bot.unhandled]),
    heapInvariant(options, record.heap),
    releaseInvariant(record, bot),
    harnessInvariant(record),
  ];
  return {
    passed: invariants.every((invariant) => invariant.passed),
    seed: options.seed,
    durationMs: options.durationMs,
    players: input.players,
    nodes: options.nodes,
    elapsedMs: Math.round(input.elapsedMs),
    cycles: input.cycles,
    faults: record.faults,
    botRestarts: { ...bot.restarts },
    botMetrics: { ...bot.metrics },
    poolErrors: { ...bot.errors },
    invariants,
    heap: record.heap,
    traces: Object.fromEntries(record.traces),
    replay: `npm run soak -- --seed ${options.seed} --duration-ms ${options.durationMs} --players ${input.players} --nodes ${options.nodes}`,
  };
}

function lostInvariant({ record, players }: ResultInput): Invariant {
  const lost = [...record.lost.values()];
  return {
    name: 'no player lost',
    passed: lost.length === 0,
    summary: `${lost.length} of ${players} lost over ${record.checkpoints.length} checkpoints (slowest settle ${maxOf(record.checkpoints.map((c) => c.settleMs))} ms)`,
    details: lost.slice(0, MAX_DETAILS).map(verdictLine),
  };
}

function ghostInvariant(record: SoakRecord, observer: Observer): Invariant {
  const ghosts = [...record.ghosts.values()];
  return {
    name: 'no ghost audio (one server per guild)',
    passed: ghosts.length === 0,
    summary: `${ghosts.length} guilds on two servers at a checkpoint (peak while faulted: ${observer.peakDuplicates}, allowed)`,
    details: ghosts.slice(0, MAX_DETAILS).map(verdictLine),
  };
}

function liveInvariant(options: ResolvedSoakOptions, observer: Observer): Invariant {
  const worst = observer.worstRecovery;
  const late = observer.lateRecoveries;
  const where = worst
    ? ` (guild ${worst.guildId}, ${worst.cause} of ${worst.node} at ${seconds(worst.atMs)})`
    : '';
  return {
    name: `on a live node within ${options.liveDeadlineMs} ms of a failure`,
    passed: late.length === 0,
    summary:
      `worst ${worst ? `${worst.ms} ms` : 'n/a'}${where}; ${observer.recoveries} recoveries after ` +
      `${observer.failures} failures, ${observer.exemptFailures} exempt (no node could take players), ` +
      `${observer.guildsCaughtMidMove} caught mid-move by a second failure, ${late.length} late`,
    details: late
      .slice(0, MAX_DETAILS)
      .map((r) => `guild ${r.guildId}: ${r.ms} ms after ${r.cause} of ${r.node} at ${seconds(r.atMs)}`),
  };
}

function positionInvariant(options: ResolvedSoakOptions, observer: Observer): Invariant {
  const worst = observer.worstPosition;
  const worstText = worst ? `${formatError(worst.errorMs)} (guild ${worst.guildId}, ${worst.detail})` : 'n/a';
  return {
    name: `position error after a move under ${options.positionToleranceMs} ms`,
    passed: observer.positionViolations.length === 0,
    summary: `worst ${worstText}; ${observer.movesCompared} moves compared, ${observer.movesAcrossTrackEnd} across a track end not compared`,
    details: observer.positionViolations
      .slice(0, MAX_DETAILS)
      .map((e) => `guild ${e.guildId} at ${seconds(e.atMs)}: ${formatError(e.errorMs)}, ${e.detail}`),
  };
}

function unhandledInvariant(unhandled: Unhandled[]): Invariant {
  return {
    name: 'no unhandled rejection or uncaught exception',
    passed: unhandled.length === 0,
    summary: `${unhandled.length} (bot ${unhandled.filter((u) => u.source === 'bot').length}, soak ${unhandled.filter((u) => u.source === 'soak').length})`,
    details: unhandled
      .slice(0, MAX_DETAILS)
      .map((u) => `${u.source} ${u.kind}: ${u.message.split('\n').slice(0, 4).join(' | ')}`),
  };
}

function heapInvariant(options: ResolvedSoakOptions, samples: HeapSample[]): Invariant {
  const bot = samples.filter((sample) => sample.botBytes > 0);
  const bound = (reference: number) => Math.max(options.heapGrowthBytes, reference * 0.25);
  const lives = new Map<number, HeapSample[]>();
  for (const sample of bot) lives.set(sample.life, [...(lives.get(sample.life) ?? []), sample]);
  const failures: string[] = [];
  const check = (what: string, from: number, to: number) => {
    if (to - from > bound(from)) failures.push(`${what}: ${mb(from)} → ${mb(to)} (+${mb(to - from)})`);
  };
  for (const [life, list] of lives) {
    if (list.length >= 3)
      check(
        `bot life ${life}`,
        Math.min(list[0]!.botBytes, list[1]!.botBytes),
        list[list.length - 1]!.botBytes,
      );
  }
  // A restored bot holds its own copy of every guild's queue, so restored lives are compared with
  // each other, not with the first one.
  const restored = [...lives.entries()].filter(([life]) => life > 1).map(([, list]) => list[0]!.botBytes);
  if (restored.length >= 2)
    check('restored lives, first samples', restored[0]!, restored[restored.length - 1]!);
  const perLife = [...lives.entries()].map(
    ([life, list]) => `${life}: ${mb(list[0]!.botBytes)} → ${mb(list[list.length - 1]!.botBytes)}`,
  );
  const soak = samples.filter((s) => s.soakBytes > 0);
  const soakRange = soak.length
    ? `${mb(soak[0]!.soakBytes)} → ${mb(soak[soak.length - 1]!.soakBytes)}`
    : 'n/a';
  return {
    name: 'heap bounded (after GC, across cycles)',
    passed: failures.length === 0 && bot.length > 0,
    summary:
      `bot by life ${perLife.join(', ')} over ${bot.length} samples (bound +${mb(bound(bot[0]?.botBytes ?? 0))}); ` +
      `soak process ${soakRange} (not judged)`,
    details: failures,
  };
}

function releaseInvariant(record: SoakRecord, bot: BotController): Invariant {
  const details: string[] = [];
  for (const close of bot.closes) {
    if (close.leftover.length > 0)
      details.push(`bot life ${close.life}: left ${close.leftover.join(', ')} after ${close.waitedMs} ms`);
    if (close.keptAlive)
      details.push(`bot life ${close.life}: the process did not end by itself after close`);
  }
  if (record.mainLeftover.length > 0) details.push(`soak process: left ${record.mainLeftover.join(', ')}`);
  const slowest = maxOf(bot.closes.map((close) => close.waitedMs));
  return {
    name: 'every timer and socket released on close',
    passed: details.length === 0 && bot.closes.length > 0,
    summary: `${bot.closes.length} graceful closes checked (slowest release ${slowest} ms), soak process after stop: ${record.mainLeftover.length === 0 ? 'clean' : 'not clean'}`,
    details,
  };
}

function harnessInvariant(record: SoakRecord): Invariant {
  return {
    name: 'the harness ran every step',
    passed: record.harness.length === 0,
    summary:
      record.harness.length === 0
        ? 'every join, fault and restart ran'
        : `${record.harness.length} steps failed`,
    details: record.harness.slice(0, MAX_DETAILS),
  };
}

function verdictLine(verdict: GuildVerdict): string {
  return `guild ${verdict.guildId} (checkpoint ${verdict.cycle}, ${seconds(verdict.atMs)}): ${verdict.reason}`;
}

function maxOf(values: number[]): number {
  return values.reduce((max, value) => Math.max(max, value), 0);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatError(ms: number): string {
  return Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'wrong track';
}
