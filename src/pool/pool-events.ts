/** Every event of the Pool: player events plus node events named `node…`, derived from their maps. */
import type { LavafleetError } from '../errors.js';
import type { DebugEvent, NodeEvents } from '../node/node-events.js';
import type { Node } from '../node/node.js';
import type { PlayerEvents } from '../player/player-events.js';

/**
 * Node events re-emitted by the pool, prefixed: `ready` → `nodeReady`.
 * @inline
 */
type NodeForwarded = Omit<NodeEvents, 'playerUpdate' | 'event' | 'error' | 'debug' | 'raw'>;
export type PoolNodeEvents = {
  [K in keyof NodeForwarded as `node${Capitalize<K & string>}`]: NodeForwarded[K];
};

export interface PoolOwnEvents {
  /** A node failed and its players are being moved. */
  failoverStart: { node: Node; players: number; reason: string };
  /** The move of a failed node's players is over. */
  failoverEnd: { node: Node; moved: number; parked: number; durationMs: number };
  /** Players came back on a node: parked players re-created, or restored after a bot restart. */
  playersRestored: { node: Node; count: number };
  /** A save of player state reached the store: `players` written, `deleted` entries removed. */
  stateSaved: { players: number; deleted: number; durationMs: number };
  /** Unknown ops and event types from any node (plugins). */
  raw: NodeEvents['raw'];
  /** A handled problem (bad frame, failed REST call, listener error). */
  error: LavafleetError;
  debug: DebugEvent;
}

export type PoolEvents = PoolOwnEvents & PoolNodeEvents & PlayerEvents;
