/**
 * Regression (found by the chaos soak, seed 5): a player was moved off a node that went down with
 * its session; when the node came back, the resume deleted the copy left there while the player was
 * being re-created on that same node. The copy's `TrackEndEvent(stopped)` arrived after the
 * re-creation and was taken as the player's own: the bot believed the player idle while the server
 * played on. The deletion's end event now goes nowhere.
 */
import { afterEach, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

it('a re-creation on a node whose old copy is being deleted keeps playing, and reports no end', async () => {
  const emulators = [0, 1].map(() => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const pool = poolOver(emulators, {
    waitForAllNodes: true,
    failover: { probeTimeoutMs: 100, resumeWaitMs: 20 },
  });
  pool.on('error', () => undefined);
  stop = async () => {
    await pool.close();
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  };
  await pool.connect();
  const [node1, node2] = [pool.getNode('node1')!, pool.getNode('node2')!];
  const player = await pool.join({
    guildId: guildId(1),
    channelId: channelId(1),
    node: 'node1',
    play: await longTrack(pool),
  });
  const session = node1.sessionId!;

  // node1's socket drops and it cannot reconnect for now; the server is alive, so after the resume
  // wait the player moves to node2 and leaves its copy in node1's session.
  emulators[0]!.rejectHandshake(503, 1_000_000);
  const moved = nextEvent(pool, 'playerMoved');
  emulators[0]!.dropConnection();
  expect((await moved).to).toBe(node2);
  expect(emulators[0]!.player(session, player.guildId)?.track).toBeTruthy();

  // node1 comes back with its session, with its frames 150 ms late: the copy's end event will arrive
  // after the re-creation below is answered.
  emulators[0]!.resetFaults();
  emulators[0]!.setLatency({ wsMs: 150 });
  await nextEvent(pool, 'nodeResumed');
  const ends = recordEvents(pool, ['trackEnd']);
  let copyEnded = false;
  const off = node1.on('event', (event) => {
    if (event.type === 'TrackEndEvent' && event.reason === 'stopped') copyEnded = true;
  });
  await player.moveTo(node1);
  expect(player.node).toBe(node1);
  expect(copyEnded).toBe(false); // still on its way
  await waitFor(() => copyEnded, { what: "the deleted copy's TrackEndEvent(stopped) at the node" });
  off();
  expect(player.track).not.toBeNull();
  expect(emulators[0]!.player(session, player.guildId)?.track?.info.identifier).toBe(
    player.track?.info.identifier,
  );
  expect(ends.names()).toEqual([]);
});
