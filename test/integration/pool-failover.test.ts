import { afterEach, describe, expect, it } from 'vitest';
import type { Player } from '../../src/player/player.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function joinMany(c: Cluster, count: number, node?: string): Promise<Player[]> {
  const track = await longTrack(c.pool);
  const players: Player[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) =>
      c.pool.join({
        guildId: guildId(i + j),
        channelId: channelId(i + j),
        play: track,
        ...(node ? { node } : {}),
      }),
    );
    players.push(...(await Promise.all(batch)));
  }
  return players;
}

function serverPosition(c: Cluster, player: Player): number | null {
  const index = [...c.pool.nodes.values()].indexOf(player.node);
  const emulator = c.emulators[index]!;
  const state = emulator.player(player.node.sessionId!, player.guildId);
  return state ? state.state.position : null;
}

describe('Pool failover against three emulated nodes', () => {
  it('moves every player off a killed node, nothing lost, positions kept', async () => {
    cluster = await startCluster(3);
    const c = cluster;
    const players = await joinMany(c, 300, 'node1');
    expect(players.every((p) => p.node.identifier === 'node1')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const before = new Map(players.map((p) => [p.guildId, p.position]));
    const moved = recordEvents(c.pool, ['playerMoved']);
    const killedAt = Date.now();
    const end = nextEvent(c.pool, 'failoverEnd', { timeoutMs: 5000 });
    await c.emulators[0]!.kill();
    const { moved: count, parked } = await end;
    const elapsed = Date.now() - killedAt;
    expect(count).toBe(300);
    expect(parked).toBe(0);
    expect(elapsed).toBeLessThan(2000);
    expect(moved.log).toHaveLength(300);
    expect(c.pool.players.size).toBe(300);
    for (const player of players) {
      expect(player.node.identifier).not.toBe('node1');
      const position = serverPosition(c, player);
      expect(position, `guild ${player.guildId} exists on its new node`).not.toBeNull();
      // Where it was, plus the time the move took (elapsed time accounted for).
      expect(Math.abs(position! - (before.get(player.guildId)! + elapsed))).toBeLessThan(1000);
    }
    // Spread over the two live nodes, not piled on one.
    const onNode2 = players.filter((p) => p.node.identifier === 'node2').length;
    expect(onNode2).toBeGreaterThan(60);
    expect(onNode2).toBeLessThan(240);
  });

  it('a socket blip with the server alive causes no move: the session resumes', async () => {
    cluster = await startCluster(2);
    const c = cluster;
    await waitFor(() => [...c.pool.nodes.values()].every((n) => n.canResume === true));
    const players = await joinMany(c, 20, 'node1');
    const moved = recordEvents(c.pool, ['playerMoved', 'failoverStart']);
    const node1 = c.pool.getNode('node1')!;
    const resumed = nextEvent(c.pool, 'nodeResumed');
    c.emulators[0]!.dropConnection(node1.sessionId!);
    expect((await resumed).players).toHaveLength(20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(moved.log).toEqual([]);
    expect(players.every((p) => p.node === node1)).toBe(true);
  });

  it('all nodes down, then one back: every player restored', async () => {
    cluster = await startCluster(2);
    const c = cluster;
    const players = await joinMany(c, 40);
    await Promise.all(c.emulators.map((e) => e.kill()));
    await waitFor(() => c.pool.metrics().parkedPlayers === 40, { what: 'all players parked' });
    const restored = nextEvent(c.pool, 'playersRestored', { timeoutMs: 5000 });
    await c.emulators[1]!.restart({ keepSessions: false });
    const { node, count } = await restored;
    expect(node.identifier).toBe('node2');
    expect(count).toBe(40);
    expect(players.every((p) => p.node.identifier === 'node2')).toBe(true);
    expect(c.emulators[1]!.players(node.sessionId!)).toHaveLength(40);
  });

  it('drains a node gracefully', async () => {
    cluster = await startCluster(2);
    const c = cluster;
    const players = await joinMany(c, 30, 'node1');
    await c.pool.removeNode('node1');
    expect(c.pool.nodes.has('node1')).toBe(false);
    expect(players.every((p) => p.node.identifier === 'node2' && !p.isDestroyed)).toBe(true);
    const node2 = c.pool.getNode('node2')!;
    expect(c.emulators[1]!.players(node2.sessionId!)).toHaveLength(30);
  });

  it('spreads a burst of new players across nodes', async () => {
    cluster = await startCluster(3);
    const players = await joinMany(cluster, 90);
    const counts = new Map<string, number>();
    for (const p of players) counts.set(p.node.identifier, (counts.get(p.node.identifier) ?? 0) + 1);
    expect([...counts.values()].every((n) => n >= 25 && n <= 35)).toBe(true);
  });

  it('prefers nodes in the voice region', async () => {
    cluster = await startCluster(2, { regions: ['eu', 'us'], endpoint: 'us-east123.discord.media:443' });
    const players = await joinMany(cluster, 10);
    expect(players.every((p) => p.node.identifier === 'node2')).toBe(true);
  });

  it('cleans up players left on a node that comes back with its session', async () => {
    cluster = await startCluster(2, { pool: { failover: { probeTimeoutMs: 200, resumeWaitMs: 20 } } });
    const c = cluster;
    await waitFor(() => [...c.pool.nodes.values()].every((n) => n.canResume === true));
    const players = await joinMany(c, 10, 'node1');
    const node1 = c.pool.getNode('node1')!;
    const session = node1.sessionId!;
    // Refused long enough (about 20 × 50 ms of reconnect backoff) for the players to move first, even
    // on a loaded machine: a resume before the resume wait ends would rightly move nothing.
    c.emulators[0]!.rejectHandshake(503, 20);
    const end = nextEvent(c.pool, 'failoverEnd');
    // Listened for before the drop: on a loaded machine the resume can come before failoverEnd.
    const resumed = nextEvent(c.pool, 'nodeResumed', { timeoutMs: 5000 });
    c.emulators[0]!.dropConnection(session);
    expect((await end).moved).toBe(10);
    await resumed;
    await waitFor(() => c.emulators[0]!.players(session).length === 0, { what: 'ghosts deleted' });
    expect(players.every((p) => p.node.identifier === 'node2')).toBe(true);
  });

  it('a move to a node that fails goes to the next one', async () => {
    cluster = await startCluster(3);
    const c = cluster;
    const players = await joinMany(c, 10, 'node1');
    c.emulators[1]!.failNextRequests(1000, { status: 500, route: 'player' });
    const end = nextEvent(c.pool, 'failoverEnd');
    await c.emulators[0]!.kill();
    expect((await end).moved).toBe(10);
    expect(players.every((p) => p.node.identifier === 'node3')).toBe(true);
  });

  it('moves a player by hand with moveTo', async () => {
    cluster = await startCluster(2);
    const c = cluster;
    const [player] = await joinMany(c, 1, 'node1');
    const node2 = c.pool.getNode('node2')!;
    const moved = nextEvent(c.pool, 'playerMoved');
    await player!.moveTo(node2);
    expect(await moved).toMatchObject({ reason: 'manual' });
    expect(player!.node).toBe(node2);
    expect(c.emulators[1]!.player(node2.sessionId!, player!.guildId)?.track).not.toBeNull();
    await waitFor(() => c.emulators[0]!.players(c.pool.getNode('node1')!.sessionId!).length === 0, {
      what: 'old player deleted',
    });
  });
});
