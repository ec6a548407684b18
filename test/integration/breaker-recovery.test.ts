/**
 * A node's breaker opened by REST 5xx closes again when the server answers, and players parked
 * because every ready node's breaker was open go there once its cooldown ends (no `ready` comes to
 * restore them: the sockets never dropped). Found by the chaos soak.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Pool } from '../../src/pool.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';

const COOLDOWN_MS = 40;
let emulators: LavalinkEmulator[] = [];
let pool: Pool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await Promise.all(emulators.map((e) => e.stop()));
  emulators = [];
});

async function startPool(count: number, { cooldownMs = COOLDOWN_MS, concurrency = 50 } = {}): Promise<Pool> {
  emulators = Array.from({ length: count }, () => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((e) => e.start()));
  pool = poolOver(emulators, {
    node: () => ({ breaker: { failureThreshold: 2, cooldownMs } }),
    failover: { probeTimeoutMs: 200, resumeWaitMs: 20, concurrency },
    waitForAllNodes: true,
  });
  pool.on('error', () => undefined);
  await pool.connect();
  // Let the requests every node makes after ready (resume setup, /v4/info) land first: a success
  // between two failures rightly resets the count.
  await waitFor(
    () =>
      emulators.every((e) => (e.counters().info ?? 0) >= 1 && (e.counters().session ?? 0) >= 1) &&
      [...pool!.nodes.values()].every((node) => node.canResume === true),
    { what: 'the requests after ready' },
  );
  return pool;
}

describe('circuit breaker recovery', () => {
  it('closes when the server answers again after the cooldown', async () => {
    const node = (await startPool(1)).getNode('node1')!;
    emulators[0]!.failNextRequests(2, { route: 'version', status: 503 });
    for (let i = 0; i < 2; i++) await node.rest.version({ retries: 0 }).catch(() => undefined);
    expect(node.breaker.state).toBe('open');
    await waitFor(() => Date.now() >= node.breaker.openUntil!, { what: 'the cooldown over' });
    await node.rest.version({ retries: 0 });
    expect(node.breaker.state).toBe('closed');
    expect(node.breaker.failures).toBe(0);
  });

  it('re-creates parked players on a node whose breaker cooldown ended', async () => {
    const p = await startPool(2);
    const track = await longTrack(p);
    const players = await Promise.all(
      [0, 1, 2].map((i) =>
        p.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
      ),
    );
    const node2 = p.getNode('node2')!;
    emulators[1]!.failNextRequests(2, { route: 'version', status: 503 });
    for (let i = 0; i < 2; i++) await node2.rest.version({ retries: 0 }).catch(() => undefined);
    expect(node2.breaker.state).toBe('open');
    await emulators[0]!.kill();
    await waitFor(
      () =>
        players.every(
          (player) =>
            emulators[1]!.player(node2.sessionId!, player.guildId)?.track?.info.identifier !== undefined,
        ),
      { what: 'every player playing on node2 once its breaker let players go' },
    );
    await waitFor(() => p.metrics().parkedPlayers === 0, { what: 'nothing parked' });
    for (const player of players) expect(player.node).toBe(node2);
    expect(node2.breaker.state).toBe('closed');
    expect(p.metrics().parkedPlayers).toBe(0);
  });

  it('re-creates parked players on a node whose breaker closed again before its cooldown', async () => {
    // Found by the soak (seed 6): the only live node answered a burst of 503s to the first moves of a
    // failover and then the rest; the players whose moves failed were parked, the node's breaker had
    // closed again, and nothing retried them until another node came back 2 s later.
    const p = await startPool(2, { cooldownMs: 60_000 });
    const track = await longTrack(p);
    const players = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        p.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
      ),
    );
    const node2 = p.getNode('node2')!;
    emulators[1]!.failNextRequests(10, { route: 'player', status: 503 });
    const end = nextEvent(p, 'failoverEnd');
    await emulators[0]!.kill();
    expect((await end).parked).toBe(10);
    expect(node2.breaker.state).toBe('closed');
    await waitFor(() => p.metrics().parkedPlayers === 0, { what: 'nothing parked' });
    for (const player of players) {
      expect(player.node).toBe(node2);
      expect(emulators[1]!.player(node2.sessionId!, player.guildId)?.track).toBeTruthy();
    }
  });

  it('asks a ready node whose breaker a burst of 5xx opened, instead of waiting out the cooldown', async () => {
    // Found by the soak (seed 5): the only live node answered a burst of 503s to the first moves of
    // a failover, which opened its breaker; with no player going there, no answer came to close it,
    // and the parked players waited for another node to come back.
    const p = await startPool(2, { cooldownMs: 60_000 });
    const track = await longTrack(p);
    const players = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        p.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
      ),
    );
    const node2 = p.getNode('node2')!;
    emulators[1]!.failNextRequests(10, { route: 'player', status: 503 });
    const versionsBefore = emulators[1]!.counters().version ?? 0;
    const end = nextEvent(p, 'failoverEnd');
    await emulators[0]!.kill();
    expect((await end).parked).toBe(10);
    expect(node2.breaker.state).toBe('open');
    const parkedAt = Date.now();
    await waitFor(() => p.metrics().parkedPlayers === 0, { what: 'nothing parked', timeoutMs: 3_000 });
    expect(Date.now() - parkedAt).toBeLessThan(2_000); // not the 60 s cooldown
    expect(emulators[1]!.counters().version ?? 0).toBeGreaterThan(versionsBefore); // the probe
    expect(node2.breaker.state).toBe('closed');
    for (const player of players) {
      expect(player.node).toBe(node2);
      expect(emulators[1]!.player(node2.sessionId!, player.guildId)?.track).toBeTruthy();
    }
  });

  it('leaves parked players on their node when it comes back with its session (no copy left behind)', async () => {
    // Found by the soak (seed 3): players parked because the other breakers were open were moved away
    // after their node resumed and had re-attached them, so their copies played on in that session.
    const p = await startPool(2, { cooldownMs: 60_000, concurrency: 1 });
    const track = await longTrack(p);
    const players = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        p.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
      ),
    );
    const [node1, node2] = [p.getNode('node1')!, p.getNode('node2')!];
    const session = node1.sessionId!;
    emulators[1]!.failNextRequests(2, { route: 'version', status: 503 });
    for (let i = 0; i < 2; i++) await node2.rest.version({ retries: 0 }).catch(() => undefined);
    expect(node2.breaker.state).toBe('open');
    emulators[0]!.rejectHandshake(503, 1_000_000);
    const end = nextEvent(p, 'failoverEnd');
    emulators[0]!.dropConnection();
    expect((await end).parked).toBe(4);
    await node2.rest.version(); // node2 answers again: its breaker closes, but nothing retries the parked
    expect(node2.breaker.state).toBe('closed');
    const resumed = nextEvent(p, 'nodeResumed');
    emulators[0]!.resetFaults();
    expect((await resumed).sessionId).toBe(session);
    await waitFor(() => p.metrics().parkedPlayers === 0, { what: 'nothing parked' });
    await new Promise((resolve) => setTimeout(resolve, 40)); // a move away would have started by now
    for (const player of players) {
      expect(player.node).toBe(node1);
      expect(emulators[0]!.player(session, player.guildId)?.track).toBeTruthy();
      expect(emulators[1]!.player(node2.sessionId!, player.guildId)).toBeUndefined();
    }
  });
});
