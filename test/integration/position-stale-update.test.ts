/**
 * Regression (chaos soak, seed 72: a restored track started 19 s ahead, as the next one): a
 * `playerUpdate` of the track before, still on its way over a slow socket, arrived after the bot had
 * started the next track over REST, which overtook it. Taken as the new track's position, the
 * estimate jumped to the old track's; a save then stored it, and the next process restored the track
 * that far ahead. An update stamped before the track changed is about the track before: its
 * position is not the player's.
 */
import { afterEach, expect, it } from 'vitest';
import { channelId, connectedPoolOver, guildId, longTrack } from '../helpers/cluster.js';
import { nextEvent } from '../helpers/events.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

it('ignores the position of a playerUpdate about the track before, arriving after the next one started', async () => {
  const { emulators, pool, close } = await connectedPoolOver(1);
  stop = close;
  const [first, second] = [await longTrack(pool, 'first'), await longTrack(pool, 'second')];
  const player = await pool.join({ guildId: guildId(1), channelId: channelId(1), play: first });
  player.queue.add(second);
  await player.seek(60_000);
  // One update handled as soon as it is sent: the node's clock is known (see server-clock.ts).
  const fresh = nextEvent(pool, 'playerUpdate');
  emulators[0]!.sendPlayerUpdates();
  await fresh;
  emulators[0]!.setLatency({ wsMs: 150 }); // frames slow, REST quick
  const sentAt = Date.now();
  const stale = nextEvent(pool, 'playerUpdate', { filter: ({ state }) => state.time >= sentAt });
  emulators[0]!.sendPlayerUpdates(); // the first track at 60 s, on its way
  await player.skip(); // answered before that update arrives
  expect(player.track?.info.identifier).toBe(second.info.identifier);
  expect(player.position).toBeLessThan(1_000);
  const { state } = await stale;
  expect(state.position).toBeGreaterThanOrEqual(60_000); // it was the first track's
  expect(player.position).toBeLessThan(1_000);
  expect(player.toJSON().position).toBeLessThan(1_000); // and a save stores the second's
});
