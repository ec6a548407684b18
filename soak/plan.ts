/**
 * The fault plan: what breaks, where and when, drawn from the seeded generator only (never from
 * what happened in the run), so a seed replays the same plan. A run is a series of cycles; each
 * cycle is a chaos window of `chaosMs` with a few faults, then a heal and a quiet checkpoint (see
 * engine.ts). Within a window:
 *
 * - a node carries one fault at a time (a killed node is not also frozen);
 * - at least one node stays up: a kill or freeze that would take the last node down is replaced by
 *   a harmless fault, except with probability `allDownChance`, and then it lasts at most
 *   {@link ALL_DOWN_MAX_MS};
 * - at most one bot restart (graceful or abrupt), with some downtime.
 */
import type { Prng } from './prng.js';

/** Faults that start on one node. */
export type NodeFaultKind =
  'kill' | 'freeze' | 'latency' | 'restErrors' | 'sessionExpiry' | 'blip' | 'outage';

/** One step of the plan. */
export type Action =
  | { kind: 'kill'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'freeze'; node: number }
  | { kind: 'unfreeze'; node: number }
  | { kind: 'latency'; node: number; restMs: number; wsMs: number }
  | { kind: 'latencyEnd'; node: number }
  | { kind: 'restErrors'; node: number; count: number; status: number }
  | { kind: 'sessionExpiry'; node: number; rejectHandshakes: number; expireAfterMs: number }
  | { kind: 'blip'; node: number }
  | { kind: 'outage'; node: number }
  | { kind: 'botRestart'; mode: 'graceful' | 'abrupt'; downMs: number };

export interface PlannedEvent {
  /** Ms after the start of the cycle's chaos window. */
  atMs: number;
  action: Action;
}

export interface CyclePlan {
  index: number;
  events: PlannedEvent[];
}

/** What the planner may do. */
export interface PlanSettings {
  nodes: number;
  chaosMs: number;
  /** Relative weights of node faults; 0 disables one. */
  weights: Readonly<Record<NodeFaultKind, number>>;
  faultsPerCycle: readonly [min: number, max: number];
  botRestartChance: number;
  /** Chance that a kill or freeze may take the last node down (briefly). */
  allDownChance: number;
}

/** Default weights of the node faults. */
export const DEFAULT_FAULT_WEIGHTS: Readonly<Record<NodeFaultKind, number>> = Object.freeze({
  kill: 3,
  freeze: 2,
  latency: 2,
  restErrors: 2,
  sessionExpiry: 1.5,
  blip: 1,
  outage: 1,
});

/** Longest time every node may be down at once. */
export const ALL_DOWN_MAX_MS = 1_200;

const DOWN_MS: readonly [number, number] = [500, 4_000];
const LATENCY_MS: readonly [number, number] = [50, 800];
const BOT_DOWN_MS: readonly [number, number] = [200, 2_000];
const REST_ERROR_STATUSES = [500, 502, 503] as const;

interface Interval {
  node: number;
  from: number;
  to: number;
}

/** Draws the plan of cycle `index` (consumes the generator: call it for cycles 0, 1, 2, … in order). */
export function planCycle(index: number, settings: PlanSettings, random: Prng): CyclePlan {
  const events: PlannedEvent[] = [];
  const busyUntil = new Array<number>(settings.nodes).fill(0);
  const down: Interval[] = [];
  const lastStart = Math.max(0, settings.chaosMs - 500);
  const count = random.int(settings.faultsPerCycle[0], settings.faultsPerCycle[1]);
  const starts = Array.from({ length: count }, () => random.int(0, lastStart)).sort((a, b) => a - b);
  for (const at of starts) {
    const free = [...busyUntil.keys()].filter((node) => busyUntil[node]! <= at);
    if (free.length === 0) continue;
    const node = random.pick(free);
    const planned = planNodeFault(node, at, settings, random, down);
    busyUntil[node] = planned.busyUntil;
    events.push(...planned.events);
  }
  if (random.chance(settings.botRestartChance)) {
    const mode = random.chance(0.5) ? 'graceful' : 'abrupt';
    const downMs = random.int(BOT_DOWN_MS[0], BOT_DOWN_MS[1]);
    events.push({ atMs: random.int(0, lastStart), action: { kind: 'botRestart', mode, downMs } });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  return { index, events };
}

function planNodeFault(
  node: number,
  at: number,
  settings: PlanSettings,
  random: Prng,
  down: Interval[],
): { events: PlannedEvent[]; busyUntil: number } {
  const end = settings.chaosMs;
  let kind = random.weighted(settings.weights);
  if (kind === 'kill' || kind === 'freeze') {
    let to = Math.min(end, at + random.int(DOWN_MS[0], DOWN_MS[1]));
    if (othersAllDown(down, node, at, to, settings.nodes)) {
      if (random.chance(settings.allDownChance)) to = Math.min(to, at + ALL_DOWN_MAX_MS);
      else kind = settings.weights.latency > 0 ? 'latency' : 'blip';
    }
    if (kind === 'kill' || kind === 'freeze') {
      down.push({ node, from: at, to });
      const undo = kind === 'kill' ? 'restart' : 'unfreeze';
      return {
        events: [
          { atMs: at, action: { kind, node } },
          { atMs: to, action: { kind: undo, node } },
        ],
        busyUntil: to,
      };
    }
  }
  return simpleFault(kind, node, at, end, random);
}

function simpleFault(
  kind: Exclude<NodeFaultKind, 'kill' | 'freeze'>,
  node: number,
  at: number,
  end: number,
  random: Prng,
): { events: PlannedEvent[]; busyUntil: number } {
  switch (kind) {
    case 'latency': {
      const to = Math.min(end, at + random.int(DOWN_MS[0], DOWN_MS[1]));
      const restMs = random.int(LATENCY_MS[0], LATENCY_MS[1]);
      const wsMs = random.int(LATENCY_MS[0], LATENCY_MS[1]);
      return {
        events: [
          { atMs: at, action: { kind, node, restMs, wsMs } },
          { atMs: to, action: { kind: 'latencyEnd', node } },
        ],
        busyUntil: to,
      };
    }
    case 'restErrors': {
      const action = { kind, node, count: random.int(1, 20), status: random.pick(REST_ERROR_STATUSES) };
      return { events: [{ atMs: at, action }], busyUntil: at + 500 };
    }
    case 'sessionExpiry': {
      const rejectHandshakes = random.int(0, 3);
      const expireAfterMs = rejectHandshakes === 0 ? 0 : random.int(0, 800);
      return {
        events: [{ atMs: at, action: { kind, node, rejectHandshakes, expireAfterMs } }],
        busyUntil: at + 1_500,
      };
    }
    case 'blip':
    case 'outage':
      return { events: [{ atMs: at, action: { kind, node } }], busyUntil: at + 500 };
  }
}

/** Whether every node but `node` is down at some moment of [from, to]. */
function othersAllDown(
  down: readonly Interval[],
  node: number,
  from: number,
  to: number,
  nodes: number,
): boolean {
  if (nodes <= 1) return true;
  // The moments where the set of down nodes can change: interval starts inside [from, to], and `from`.
  const moments = [from, ...down.map((interval) => interval.from).filter((t) => t > from && t < to)];
  return moments.some((t) => {
    const downAt = new Set(down.filter((i) => i.node !== node && i.from <= t && t < i.to).map((i) => i.node));
    return downAt.size >= nodes - 1;
  });
}

/** A short description of an action, for logs and reports. */
export function describeAction(action: Action, nodeName: (index: number) => string): string {
  if (action.kind === 'botRestart') return `bot restart (${action.mode}, down ${action.downMs} ms)`;
  const node = nodeName(action.node);
  switch (action.kind) {
    case 'latency':
      return `latency ${node} (REST +${action.restMs} ms, WS +${action.wsMs} ms)`;
    case 'restErrors':
      return `${action.count} × HTTP ${action.status} on ${node}`;
    case 'sessionExpiry':
      return `session expiry ${node} (${action.rejectHandshakes} handshakes refused, expired after ${action.expireAfterMs} ms)`;
    default:
      return `${action.kind} ${node}`;
  }
}
