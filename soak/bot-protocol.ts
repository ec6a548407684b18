/**
 * Messages between the soak (parent) and its bot (a child process, so that a bot restart can be a
 * real `kill -9`). The parent sends requests with an id; the child answers each one, and reports
 * unhandled errors on its own.
 */
import type { FailoverOptions, NodeOptions, Track } from '../src/index.js';

/** How the bot tunes its pool: fast detection, so a failure costs well under two seconds of silence. */
export interface BotTuning {
  node: Pick<NodeOptions, 'heartbeatMs' | 'requestTimeoutMs' | 'reconnect' | 'resume'>;
  failover: FailoverOptions;
  stateSaveIntervalMs: number;
  /** The pool's read-back of every node's players (`syncIntervalMs`). */
  syncIntervalMs: number;
}

/** One guild of the bot: its queue (played in a loop) and where its first track starts. */
export interface GuildPlan {
  guildId: string;
  channelId: string;
  tracks: Track[];
  startAtMs: number;
}

export interface StartRequest {
  cmd: 'start';
  endpoints: Array<{ identifier: string; uri: string; password: string }>;
  tuning: BotTuning;
  storeDirectory: string;
}

export type BotRequest =
  | StartRequest
  | { cmd: 'join'; plans: GuildPlan[]; concurrency: number }
  | { cmd: 'view' }
  | { cmd: 'heap' }
  | { cmd: 'trace'; guildIds: string[] }
  | { cmd: 'placedOn'; node: string; sessionId: string | null }
  | { cmd: 'close' };

/** The bot's view of one player: guild, node, session, node ready, track identifier, playing. */
export type PlayerView = [
  guildId: string,
  node: string,
  sessionId: string | null,
  nodeReady: boolean,
  trackId: string | null,
  playing: boolean,
];

export interface BotView {
  players: PlayerView[];
  metrics: { failovers: number; playersMoved: number; playersRestored: number; movesFailed: number };
  /** Pool `error` events by code since the bot started. */
  errors: Record<string, number>;
}

export interface CloseResult {
  /** Active resources left after close that were not there before the pool existed. */
  leftover: string[];
  /** How long they took to drain (or the wait limit). */
  waitedMs: number;
}

export interface BotResults {
  start: { restored: number };
  join: { joined: number; failed: Array<{ guildId: string; error: string }> };
  view: BotView;
  heap: { usedBytes: number };
  /** The last few things that happened to each guild in the bot: [epoch ms, what]. */
  trace: Record<string, Array<[number, string]>>;
  /**
   * The guilds whose player the bot has on a node (in a session, when given): those that play there
   * and those whose move there is under way (a player switches to its target before the request).
   */
  placedOn: string[];
  close: CloseResult;
}

export type BotMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { event: 'unhandled'; kind: 'unhandledRejection' | 'uncaughtException'; message: string };
