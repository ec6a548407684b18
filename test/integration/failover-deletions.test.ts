/**
 * A player re-created on a node waits for every deletion of its guild in flight there. Found by the
 * soak (seed 46): a resume's deletion of a copy and a move's deletion of the same copy were in flight
 * together; the later one was answered first, the earlier one went unwatched, and when it landed it
 * deleted the player just re-created there. The guild was silent for good, and the bot, handed the
 * deletion's `TrackEndEvent(stopped)`, believed it had stopped.
 */
import { expect, it } from 'vitest';
import { clustersClosedAfterEach, guildId, joinPlaying } from '../helpers/cluster.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';

/** How long the first deletion takes to reach node1. */
const SLOW_DELETE_MS = 300;

const connectedCluster = clustersClosedAfterEach();

/** Two nodes that resume sessions, and a player on node1. */
async function playingOnNode1() {
  const { pool, emulators } = await connectedCluster(2, { failover: { resumeWaitMs: 5_000 } });
  const [node1, node2] = [pool.getNode('node1')!, pool.getNode('node2')!];
  await waitFor(() => node1.canResume === true, { what: 'resume configured' });
  const { player, track } = await joinPlaying(pool, 'node1');
  return { pool, emulator1: emulators[0]!, node1, node2, player, track, session: node1.sessionId! };
}

it('a re-creation waits for an earlier deletion still in flight when a later one was answered first', async () => {
  const { pool, emulator1, node1, node2, player, track, session } = await playingOnNode1();
  const ends = recordEvents(pool, ['trackEnd']);

  // The move off node1 deletes the copy there; that request takes SLOW_DELETE_MS to arrive.
  emulator1.setLatency({ restMs: SLOW_DELETE_MS });
  const requestsBefore = emulator1.requestCount('player');
  await player.moveTo(node2);
  await waitFor(() => emulator1.requestCount('player') > requestsBefore, { what: 'the deletion sent' });
  const slowDeleteSentAt = performance.now();
  emulator1.setLatency({ restMs: 0 });
  // node1's socket drops and its session resumes with the copy still there: the resume deletes it
  // too, at once.
  const resumed = nextEvent(pool, 'nodeResumed', { filter: ({ node }) => node === 'node1' });
  emulator1.dropConnection();
  await resumed;
  await waitFor(() => emulator1.player(session, guildId(1)) === undefined, { what: 'the copy deleted' });
  expect(performance.now() - slowDeleteSentAt).toBeLessThan(SLOW_DELETE_MS); // the first still on its way

  // Back to node1 while the first deletion is still on its way: the re-creation waits for it.
  await player.moveTo(node1);
  await waitFor(() => performance.now() - slowDeleteSentAt > SLOW_DELETE_MS + 50, {
    what: 'the first deletion landed',
  });
  expect(emulator1.player(session, guildId(1))?.track?.info.identifier).toBe(track.info.identifier);
  expect(player.node).toBe(node1);
  expect(player.track?.info.identifier).toBe(track.info.identifier);
  expect(ends.names()).toEqual([]); // the copies' ends went nowhere; the player's track plays on
});

it('a re-creation waits for a deletion of its guild sent there while it waited for another', async () => {
  // The resume of the node a player is on its way to deletes the copy there as a stray: that deletion
  // is sent while the re-creation waits for an earlier one, and must be waited for too.
  const { pool, emulator1, node1, node2, player, track, session } = await playingOnNode1();

  // The move off node1 deletes the copy there; that deletion takes SLOW_DELETE_MS to arrive.
  emulator1.setLatency({ restMs: SLOW_DELETE_MS });
  let requests = emulator1.requestCount('player');
  await player.moveTo(node2);
  await waitFor(() => emulator1.requestCount('player') > requests, { what: 'the first deletion sent' });
  emulator1.setLatency({ restMs: 0 });

  // Back to node1: the re-creation waits for that deletion. Meanwhile node1 drops its socket and
  // resumes with the copy still there; the resume's deletion of it takes twice as long to arrive.
  const back = player.moveTo(node1);
  const resumed = nextEvent(pool, 'nodeResumed', { filter: ({ node }) => node === 'node1' });
  pool.on('nodeResumed', ({ node }) => {
    if (node !== 'node1') return;
    requests = emulator1.requestCount('player');
    emulator1.setLatency({ restMs: 2 * SLOW_DELETE_MS });
  });
  emulator1.dropConnection();
  await resumed;
  await waitFor(() => emulator1.requestCount('player') > requests, { what: 'the second deletion sent' });
  const secondSentAt = performance.now();
  emulator1.setLatency({ restMs: 0 });
  await back;
  await waitFor(() => performance.now() - secondSentAt > 2 * SLOW_DELETE_MS + 50, {
    what: 'the second deletion landed',
  });
  expect(player.node).toBe(node1);
  expect(emulator1.player(session, guildId(1))?.track?.info.identifier).toBe(track.info.identifier);
});
