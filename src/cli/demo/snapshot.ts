/** What the views show: one read of the whole demo, taken as often as the view redraws. */
import type { TimelineEntry } from './scenario.js';
import type { DemoCounters } from './tracker.js';

/** One node as the bot's pool and its server see it. */
export interface NodeRow {
  identifier: string;
  /** Whether the emulated server process runs. */
  serverUp: boolean;
  /** The pool's status of the node, or null while the bot is down. */
  status: string | null;
  /** Selection penalty (lower is better), or null when the node cannot be scored. */
  penalty: number | null;
  /** Players the pool has on the node, or null while the bot is down. */
  players: number | null;
  /** Guilds the server is really playing. */
  playing: number;
  latencyMs: number | null;
}

export interface DemoSnapshot {
  /** Ms since the scripted run started (0 during setup). */
  elapsedMs: number;
  durationMs: number;
  /** What is going on, in a few words. */
  phase: string;
  guilds: number;
  /** Players of the running bot, or null while it is down. */
  players: number | null;
  nodes: NodeRow[];
  counters: Readonly<DemoCounters>;
  tracksAdvanced: number;
  /** Guilds no server played at the last sample. */
  silent: number;
  longestSilenceMs: number | null;
  timeline: readonly TimelineEntry[];
}
