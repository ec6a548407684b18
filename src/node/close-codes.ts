/**
 * What to do when the WebSocket handshake is refused or the socket closes. Decisions live in these
 * tables, not in if-chains. Lavalink defines no close codes of its own; 1001 is its shutdown.
 */

export type HandshakePolicy = 'fatal' | 'retry';

/**
 * Handshake statuses that will not change by retrying. 401/403: wrong password; 400: bad User-Id
 * (or, on NodeLink, a missing Client-Name); 404: not a Lavalink v4 server at that address.
 */
const FATAL_HANDSHAKE_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 405, 426]);

/** Decides whether a refused upgrade is worth retrying. 5xx, 408 and 429 are. */
export function handshakePolicy(status: number): HandshakePolicy {
  return FATAL_HANDSHAKE_STATUSES.has(status) ? 'fatal' : 'retry';
}

/** Readable names for close codes seen from Lavalink, for `disconnect` events and logs. */
export const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1000: 'normal closure',
  1001: 'server shutting down',
  1002: 'protocol error',
  1005: 'no status',
  1006: 'connection lost (abnormal closure)',
  1011: 'server error',
  1012: 'server restarting',
  1013: 'try again later',
  4000: 'closed by lavafleet: heartbeat timeout',
});

/** The close code lavafleet uses when it kills a socket whose pong never came. */
export const HEARTBEAT_TIMEOUT_CODE = 4000;
