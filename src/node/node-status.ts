/**
 * The status of one node's connection: one field, a table of allowed transitions.
 *
 *            connect()                ready
 *  disconnected ──────▶ connecting ─────────▶ connected
 *       ▲                  │   ▲                  │ socket lost
 *       │ close(), fatal   │   │ retry            ▼
 *       │ or exhausted     └───┼────────────▶ reconnecting ──ready──▶ connected
 *       └──────────────────────┴────────────────────┘
 */

export type NodeStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Allowed transitions: from → set of targets. */
export const NODE_TRANSITIONS: Readonly<Record<NodeStatus, readonly NodeStatus[]>> = Object.freeze({
  disconnected: ['connecting'],
  connecting: ['connected', 'reconnecting', 'disconnected'],
  connected: ['reconnecting', 'disconnected'],
  reconnecting: ['connected', 'disconnected'],
});

/** Whether a transition is allowed. */
export function canTransition(from: NodeStatus, to: NodeStatus): boolean {
  return NODE_TRANSITIONS[from].includes(to);
}
