/**
 * Metrics counted from pool events as they happen: REST requests, connections, breakers, failovers,
 * players moved and restored, state saves and errors. They count from registration on.
 */
import type { Pool } from '../pool.js';
import type { MetricSet } from './metric-set.js';

type Off = () => void;

/** @internal Adds the event-driven metrics of `pool` to `set`; returns the listeners' removers. */
export function addPoolCounters(set: MetricSet, pool: Pool): Off[] {
  return [
    ...countRest(set, pool),
    ...countConnections(set, pool),
    ...countFailovers(set, pool),
    ...countStateSaves(set, pool),
    ...countErrors(set, pool),
  ];
}

function countRest(set: MetricSet, pool: Pool): Off[] {
  const requests = set.counter(
    'rest_requests_total',
    'REST attempts by node, route name, method and HTTP status (status="none": no response: network error, timeout or abort). Each retry counts.',
    ['node', 'route', 'method', 'status'],
  );
  const duration = set.histogram(
    'rest_request_duration_seconds',
    'Duration of REST attempts by node, route name and method.',
    ['node', 'route', 'method'],
  );
  return [
    pool.on('nodeRestRequest', ({ node, route, method, status, durationMs }) => {
      requests.inc({ node, route, method, status: status === null ? 'none' : String(status) });
      duration.observe({ node, route, method }, durationMs / 1000);
    }),
  ];
}

function countConnections(set: MetricSet, pool: Pool): Off[] {
  const disconnects = set.counter(
    'node_disconnects_total',
    'Connections to a node that were lost or closed.',
    ['node'],
  );
  const attempts = set.counter('node_reconnect_attempts_total', 'Reconnect attempts scheduled.', ['node']);
  const reconnects = set.counter(
    'node_reconnects_total',
    'Lost connections that came back on their own; resumed="true" when the Lavalink session resumed.',
    ['node', 'resumed'],
  );
  const sessionsLost = set.counter('node_sessions_lost_total', 'Sessions that could not be resumed.', [
    'node',
  ]);
  const breakerOpens = set.counter('node_breaker_opens_total', 'Times a node circuit breaker opened.', [
    'node',
  ]);
  // Nodes that lost an established connection and have not come back yet.
  const lost = new Set<string>();
  return [
    pool.on('nodeStatusChange', ({ node, from, to }) => {
      if (from === 'connected') disconnects.inc({ node });
      if (from === 'connected' && to === 'reconnecting') lost.add(node);
      else if (to === 'disconnected') lost.delete(node);
    }),
    // `ready` follows the status change to connected.
    pool.on('nodeReady', ({ node, resumed }) => {
      if (lost.delete(node)) reconnects.inc({ node, resumed: String(resumed) });
    }),
    pool.on('nodeReconnecting', ({ node }) => attempts.inc({ node })),
    pool.on('nodeSessionLost', ({ node }) => sessionsLost.inc({ node })),
    pool.on('nodeBreakerChange', ({ node, to }) => {
      if (to === 'open') breakerOpens.inc({ node });
    }),
  ];
}

function countFailovers(set: MetricSet, pool: Pool): Off[] {
  const failovers = set.counter(
    'failovers_total',
    'Times the players of a node were moved off it, by node and reason.',
    ['node', 'reason'],
  );
  const duration = set.histogram('failover_duration_seconds', 'How long moving the players of a node took.', [
    'node',
  ]);
  const moved = set.counter('players_moved_total', 'Players moved to another node, by reason.', ['reason']);
  const restored = set.counter(
    'players_restored_total',
    'Players that came back on a node: parked players re-created, or restored after a bot restart.',
    ['node'],
  );
  return [
    pool.on('failoverStart', ({ node, reason }) => failovers.inc({ node: node.identifier, reason })),
    pool.on('failoverEnd', ({ node, durationMs }) =>
      duration.observe({ node: node.identifier }, durationMs / 1000),
    ),
    pool.on('playerMoved', ({ reason }) => moved.inc({ reason })),
    pool.on('playersRestored', ({ node, count }) => restored.inc({ node: node.identifier }, count)),
  ];
}

function countStateSaves(set: MetricSet, pool: Pool): Off[] {
  const saves = set.counter('state_saves_total', 'Saves of player state that reached the store.', []);
  const duration = set.histogram('state_save_duration_seconds', 'How long a save of player state took.', []);
  const written = set.counter('state_players_written_total', 'Player entries written to the store.', []);
  const deleted = set.counter('state_players_deleted_total', 'Player entries deleted from the store.', []);
  return [
    pool.on('stateSaved', ({ players, deleted: removed, durationMs }) => {
      saves.inc();
      duration.observe(durationMs / 1000);
      written.inc(players);
      deleted.inc(removed);
    }),
  ];
}

function countErrors(set: MetricSet, pool: Pool): Off[] {
  const errors = set.counter(
    'errors_total',
    'Problems lavafleet handled and reported as `error` events, by error code.',
    ['code'],
  );
  return [pool.on('error', (error) => errors.inc({ code: error.code }))];
}
