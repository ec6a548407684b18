/**
 * Regression (found by the chaos soak, seed 12): the answer to a re-creation came after the track had
 * ended on the new node and the next one had started there; it anchored the next track at the old
 * one's position (56 s), and a later move started the next track there, past its end, so it ended at
 * once and the guild went silent.
 */
import { afterEach, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

it('a track that ends on the new node before the move is answered: the next track keeps its own position', async () => {
  const emulators = [0, 1].map(() => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((e) => e.start()));
  const pool = poolOver(emulators, { waitForAllNodes: true });
  pool.on('error', () => undefined);
  stop = async () => {
    await pool.close();
    await Promise.all(emulators.map((e) => e.stop()));
  };
  await pool.connect();
  const short = await pool.load('emulator:track?title=Short&length=4000&id=endsoon01');
  if (short.loadType !== 'track') throw new Error('no short track');
  const next = await longTrack(pool);
  const player = await pool.join({
    guildId: guildId(1),
    channelId: channelId(1),
    node: 'node1',
    play: short.data,
  });
  player.queue.add(next);
  await player.seek(3_950);
  const node2 = pool.getNode('node2')!;
  emulators[1]!.setLatency({ restReplyMs: 200 }); // the answer comes after the track ended there
  const started = nextEvent(pool, 'trackStart', {
    filter: ({ track }) => track.info.identifier === next.info.identifier,
  });
  await player.moveTo(node2);
  await started;
  await waitFor(
    () =>
      emulators[1]!.player(node2.sessionId!, player.guildId)?.track?.info.identifier === next.info.identifier,
    { what: 'the next track on node2' },
  );
  await waitFor(() => emulators[1]!.requestCount('player') >= 2, { what: 'the next track requested' });
  await node2.rest.getPlayer(player.guildId); // after the next track's answer
  expect(player.track?.info.identifier).toBe(next.info.identifier);
  expect(player.position).toBeLessThan(2_000);
});
