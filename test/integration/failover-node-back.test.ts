/**
 * Regression (found by the chaos soak, seed 14): a node came back with its session in the middle of
 * its failover. The resume deleted the copies of the players already moved, but the failover went on
 * moving the others, whose copies then stayed in the resumed session: those guilds played twice.
 * Now a failover leaves the players it has not moved yet on a node that is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, poolOver, TEST_USER_ID } from '../helpers/cluster.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function start() {
  const emulators = [new LavalinkEmulator({ password: 'pw' }), new LavalinkEmulator({ password: 'pw' })];
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const connector = new TestConnector({ userId: TEST_USER_ID });
  const pool = poolOver(emulators, {
    node: () => ({ heartbeatMs: 50 }),
    connector,
    waitForAllNodes: true,
    failover: { probeTimeoutMs: 50, resumeWaitMs: 100, concurrency: 1 },
  });
  pool.on('error', () => undefined);
  await pool.connect();
  stop = async () => {
    await pool.close();
    connector.destroy();
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  };
  return { emulators, pool };
}

/** Sessions (over every emulator) in which a guild has a player with a track. */
function copies(emulators: LavalinkEmulator[], guild: string): number {
  let count = 0;
  for (const emulator of emulators)
    for (const session of emulator.sessions()) if (emulator.player(session.id, guild)?.track) count += 1;
  return count;
}

describe('a failover whose node comes back with its session', () => {
  it('stops moving players, and no guild plays twice', async () => {
    const { emulators, pool } = await start();
    const node1 = pool.getNode('node1')!;
    const track = await longTrack(pool);
    const guilds = Array.from({ length: 8 }, (_, i) => guildId(i));
    for (const [i, guild] of guilds.entries())
      await pool.join({ guildId: guild, channelId: channelId(i), play: track, node: 'node1' });
    const sessionId = node1.sessionId!;
    emulators[1]!.setLatency({ restMs: 40 }); // each move takes a while: the node is back mid-way

    const firstMove = nextEvent(pool, 'playerMoved');
    const resumed = nextEvent(pool, 'nodeResumed');
    // Listened for from the start: the failover may end before every guild is seen on one server.
    const ended = nextEvent(pool, 'failoverEnd');
    emulators[0]!.freeze();
    await firstMove;
    emulators[0]!.unfreeze();
    expect((await resumed).sessionId).toBe(sessionId);
    await waitFor(() => guilds.every((guild) => copies(emulators, guild) === 1), {
      what: 'every guild on exactly one server',
    });
    await ended;

    expect(guilds.map((guild) => copies(emulators, guild))).toEqual(guilds.map(() => 1));
    const stayed = guilds.filter((guild) => pool.getPlayer(guild)!.node === node1);
    expect(stayed.length).toBeGreaterThan(0);
    for (const guild of stayed) expect(emulators[0]!.player(sessionId, guild)?.track).toBeTruthy();
  });
});
