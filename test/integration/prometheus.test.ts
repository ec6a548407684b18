/**
 * The Prometheus adapter on a real pool over emulated nodes, scraped through a real prom-client
 * registry: what a Prometheus server would read after connects, REST calls, a failover and saves.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerPoolMetrics } from '../../src/prometheus.js';
import type { PoolMetricsRegistration } from '../../src/prometheus.js';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import type { Player } from '../../src/player/player.js';
import type { PoolEvents } from '../../src/pool/pool-events.js';
import { nextEvent } from '../helpers/events.js';
import { channelId, guildId, longTrack, startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';

let cluster: Cluster | undefined;
let registration: PoolMetricsRegistration | undefined;
afterEach(async () => {
  registration?.unregister();
  registration = undefined;
  await cluster?.close();
  cluster = undefined;
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (the sample lines; comments skipped). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Scrapes the registry; `value` reads one series (labels matched exactly), `sum` adds every matching one. */
async function scrape(registry: Registry) {
  const text = await registry.metrics();
  const samples = parse(text);
  const matching = (name: string, labels: Record<string, string>) =>
    samples.filter(
      (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
    );
  return {
    text,
    value(name: string, labels: Record<string, string> = {}): number | undefined {
      const exact = matching(name, labels).filter(
        (s) => Object.keys(s.labels).length === Object.keys(labels).length,
      );
      expect(exact.length, `series ${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
      return exact[0]?.value;
    },
    sum: (name: string, labels: Record<string, string> = {}) =>
      matching(name, labels).reduce((total, s) => total + s.value, 0),
  };
}

async function joinOn(c: Cluster, node: string, count: number): Promise<Player[]> {
  const track = await longTrack(c.pool);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      c.pool.join({ guildId: guildId(i), channelId: channelId(i), play: track, node }),
    ),
  );
}

const LISTENED: Array<keyof PoolEvents> = [
  'nodeRestRequest',
  'nodeBreakerChange',
  'nodeStatusChange',
  'nodeReady',
  'failoverStart',
  'playerMoved',
  'stateSaved',
  'error',
];
const listenerCounts = (c: Cluster) => LISTENED.map((event) => c.pool.listenerCount(event));

describe('registerPoolMetrics against emulated nodes', () => {
  it('reports node status, players, penalties, REST requests and the track cache', async () => {
    cluster = await startCluster(2);
    const c = cluster;
    const registry = new Registry();
    registration = registerPoolMetrics(c.pool, { registry });
    await joinOn(c, 'node1', 2); // loads a track once (a miss)
    await c.pool.load('ytsearch:song'); // a hit
    c.emulators[0]!.failNextRequests(1, { status: 400, route: 'loadTracks' });
    c.emulators[1]!.failNextRequests(1, { status: 400, route: 'loadTracks' });
    await expect(c.pool.load('ytsearch:other')).rejects.toMatchObject({ status: 400 });

    const m = await scrape(registry);
    expect(m.value('lavafleet_nodes', { status: 'connected' })).toBe(2);
    expect(m.value('lavafleet_nodes', { status: 'reconnecting' })).toBe(0);
    expect(m.value('lavafleet_node_status', { node: 'node1', status: 'connected' })).toBe(1);
    expect(m.value('lavafleet_node_status', { node: 'node1', status: 'disconnected' })).toBe(0);
    expect(m.value('lavafleet_node_players', { node: 'node1' })).toBe(2);
    expect(m.value('lavafleet_node_players', { node: 'node2' })).toBe(0);
    expect(m.value('lavafleet_players')).toBe(2);
    expect(m.value('lavafleet_players_parked')).toBe(0);
    expect(m.value('lavafleet_node_breaker_state', { node: 'node2', state: 'closed' })).toBe(1);
    const penalty = c.pool.health().find((node) => node.identifier === 'node1')!.penalty!;
    expect(m.value('lavafleet_node_penalty', { node: 'node1', component: 'total' })).toBe(penalty.total);
    expect(m.value('lavafleet_node_penalty', { node: 'node1', component: 'players' })).toBe(penalty.players);

    expect(m.sum('lavafleet_rest_requests_total', { route: 'loadTracks', status: '200' })).toBe(1);
    expect(m.sum('lavafleet_rest_requests_total', { route: 'loadTracks', status: '400' })).toBe(1);
    expect(
      m.value('lavafleet_rest_requests_total', {
        node: 'node1',
        route: 'player',
        method: 'PATCH',
        status: '200',
      }),
    ).toBe(2);
    expect(
      m.value('lavafleet_rest_request_duration_seconds_count', {
        node: 'node1',
        route: 'player',
        method: 'PATCH',
      }),
    ).toBe(2);
    expect(m.sum('lavafleet_rest_request_duration_seconds_sum', { route: 'player' })).toBeGreaterThan(0);
    expect(m.value('lavafleet_track_cache_hits_total')).toBe(1);
    expect(m.value('lavafleet_track_cache_misses_total')).toBe(2);
    expect(m.value('lavafleet_track_cache_entries')).toBe(1);
    // Route names only: no path, session id, query or password.
    expect(m.text).not.toMatch(/\/v4\/|ytsearch|"pw"/);
    expect(m.text).not.toContain(c.pool.getNode('node1')!.sessionId!);
  });

  it('counts a failover, the players it moved, the lost connection, its reconnect and the breaker', async () => {
    cluster = await startCluster(2);
    const c = cluster;
    const registry = new Registry();
    registration = registerPoolMetrics(c.pool, { registry });
    await joinOn(c, 'node1', 3);
    const end = nextEvent(c.pool, 'failoverEnd', { timeoutMs: 5000 });
    const opened = nextEvent(c.pool, 'nodeBreakerChange', { filter: ({ to }) => to === 'open' });
    await c.emulators[0]!.kill();
    await end;
    await opened; // the failed reconnect attempts open it

    let m = await scrape(registry);
    expect(m.value('lavafleet_failovers_total', { node: 'node1', reason: 'failover' })).toBe(1);
    expect(m.value('lavafleet_failover_duration_seconds_count', { node: 'node1' })).toBe(1);
    expect(m.value('lavafleet_players_moved_total', { reason: 'failover' })).toBe(3);
    expect(m.value('lavafleet_node_players', { node: 'node2' })).toBe(3);
    expect(m.value('lavafleet_node_disconnects_total', { node: 'node1' })).toBe(1);
    expect(m.value('lavafleet_node_reconnect_attempts_total', { node: 'node1' })).toBeGreaterThanOrEqual(4);
    expect(m.value('lavafleet_node_breaker_opens_total', { node: 'node1' })).toBe(1);
    expect(m.value('lavafleet_node_breaker_state', { node: 'node1', state: 'open' })).toBe(1);
    expect(m.value('lavafleet_nodes', { status: 'reconnecting' })).toBe(1);
    expect(m.value('lavafleet_node_penalty', { node: 'node1', component: 'total' })).toBeUndefined();
    expect(m.value('lavafleet_node_reconnects_total', { node: 'node1', resumed: 'false' })).toBeUndefined();

    const ready = nextEvent(c.pool, 'nodeReady', { filter: ({ node }) => node === 'node1' });
    await c.emulators[0]!.restart({ keepSessions: false });
    await ready;
    m = await scrape(registry);
    expect(m.value('lavafleet_node_reconnects_total', { node: 'node1', resumed: 'false' })).toBe(1);
    expect(m.value('lavafleet_node_sessions_lost_total', { node: 'node1' })).toBe(1);
    expect(m.value('lavafleet_nodes', { status: 'connected' })).toBe(2);
    expect(m.value('lavafleet_node_breaker_state', { node: 'node1', state: 'closed' })).toBe(1);
  });

  it('counts state saves to a MemoryStore, and handled errors by code', async () => {
    cluster = await startCluster(1, { pool: { store: new MemoryStore(), stateSaveIntervalMs: 0 } });
    const c = cluster;
    const registry = new Registry();
    registration = registerPoolMetrics(c.pool, { registry });
    const [first] = await joinOn(c, 'node1', 2);
    await c.pool.saveState();
    await first!.destroy();
    const saved = nextEvent(c.pool, 'stateSaved');
    await c.pool.saveState();
    expect((await saved).deleted).toBe(1);
    const error = nextEvent(c.pool, 'error');
    c.emulators[0]!.sendRaw('not json');
    await error;

    const m = await scrape(registry);
    expect(m.value('lavafleet_state_saves_total')).toBe(2);
    expect(m.value('lavafleet_state_save_duration_seconds_count')).toBe(2);
    expect(m.value('lavafleet_state_players_written_total')).toBeGreaterThanOrEqual(2);
    expect(m.value('lavafleet_state_players_deleted_total')).toBe(1);
    expect(m.value('lavafleet_errors_total', { code: 'ERR_MALFORMED_FRAME' })).toBe(1);
  });

  it('unregister() removes every metric and listener, and frees the names', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const registry = new Registry();
    const before = listenerCounts(c);
    const handle = registerPoolMetrics(c.pool, { registry });
    expect(listenerCounts(c).every((count, i) => count === before[i]! + 1)).toBe(true);
    expect(handle.metricNames.every((name) => registry.getSingleMetric(name) !== undefined)).toBe(true);

    handle.unregister();
    handle.unregister();
    expect(listenerCounts(c)).toEqual(before);
    expect(registry.getMetricsAsArray()).toHaveLength(0);
    await c.pool.load('ytsearch:song');
    expect(await registry.metrics()).not.toMatch(/lavafleet_/);

    registration = registerPoolMetrics(c.pool, { registry });
    expect((await scrape(registry)).value('lavafleet_nodes', { status: 'connected' })).toBe(1);
  });

  it('refuses a second registration under the same names, leaving the first one whole', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const registry = new Registry();
    registration = registerPoolMetrics(c.pool, { registry });
    const counts = listenerCounts(c);
    let thrown: unknown;
    try {
      registerPoolMetrics(c.pool, { registry });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(/`prefix`.*`lavafleet_nodes` is registered/);
    expect((thrown as { code?: string }).code).toBe('ERR_INVALID_OPTION');
    expect(listenerCounts(c)).toEqual(counts);
    await c.pool.load('ytsearch:song');
    expect((await scrape(registry)).sum('lavafleet_rest_requests_total', { route: 'loadTracks' })).toBe(1);

    const other = registerPoolMetrics(c.pool, { registry, prefix: 'bot_' });
    expect((await scrape(registry)).value('bot_nodes', { status: 'connected' })).toBe(1);
    other.unregister();
    expect((await scrape(registry)).value('lavafleet_nodes', { status: 'connected' })).toBe(1);
  });
});
