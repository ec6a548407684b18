/** Events of a {@link Node}: name → payload. */
import type { LavafleetError } from '../errors.js';
import type { EventMessage, PlayerUpdateMessage } from '../protocol/messages.js';
import type { LavalinkPlayer } from '../protocol/player.js';
import type { Stats } from '../protocol/stats.js';
import type { CircuitState } from '../resilience/circuit-breaker.js';
import type { RestRequestEvent } from './node-rest-options.js';
import type { NodeStatus } from './node-status.js';

/** Structured debug output; built only when someone listens. */
export interface DebugEvent {
  /** Where it comes from, e.g. `node:main`, `pool`. */
  scope: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface NodeEvents {
  /** The WebSocket is open (the `ready` op follows). */
  connect: { node: string; resumedHeader: boolean | null };
  /** Lavalink sent `ready`: the node can be used. */
  ready: { node: string; resumed: boolean; sessionId: string };
  /**
   * The socket closed or the attempt failed. `refused`: the connection was refused, nothing listens
   * at the address: the server is down or restarting, and a Lavalink process that restarts loses
   * its sessions.
   */
  disconnect: { node: string; code: number; reason: string; refused: boolean };
  /** A reconnect attempt is scheduled after `delayMs`. */
  reconnecting: { node: string; attempt: number; delayMs: number };
  /** Reconnect attempts are used up; the node stays disconnected until `connect()`. */
  reconnectExhausted: { node: string; attempts: number };
  /**
   * A heartbeat ping has had no pong for `overdueMs` (see `pongOverdueMs`): the socket may be
   * half-open. Only a suspicion; the socket is dropped when the heartbeat gives up, or sooner when
   * failover finds the server does not answer REST either.
   */
  pongOverdue: { node: string; overdueMs: number };
  /** The status changed. */
  statusChange: { node: string; from: NodeStatus; to: NodeStatus };
  /** A stats frame arrived. */
  stats: { node: string; stats: Stats; receivedAt: number };
  /** The session was resumed; `players` is the server's state, fetched after `ready`. */
  resumed: {
    node: string;
    sessionId: string;
    players: LavalinkPlayer[];
    /** When the players were asked for (the node's clock): later events are newer than `players`. */
    requestedAt: number;
  };
  /** A session lavafleet wanted to resume is gone; its players must be re-created. */
  sessionLost: { node: string; previousSessionId: string; sessionId: string };
  /** A `playerUpdate` op (the frame itself: no copy on the hot path). */
  playerUpdate: PlayerUpdateMessage;
  /** A known `event` op (track and voice events). */
  event: EventMessage;
  /** An unknown op or event type (plugins), passed on untouched. */
  raw: { node: string; payload: Record<string, unknown> };
  /**
   * One HTTP attempt of the REST client ended (retries are separate events). `route` is the route
   * name (`loadTracks`, `updatePlayer`, ...), never the path, the query or the password. Built only
   * when someone listens.
   */
  restRequest: RestRequestEvent & { node: string };
  /** The node's circuit breaker changed state; `open` keeps new players off the node. */
  breakerChange: { node: string; from: CircuitState; to: CircuitState };
  /** Something went wrong that lavafleet handled; the node carries on unless a status change says so. */
  error: LavafleetError;
  debug: DebugEvent;
}
