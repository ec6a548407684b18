/**
 * Regression (chaos soak, seed 9): during a move, the new node reports the player as it sets it up,
 * voice first, with no track and position 0. The player took that as its position until the answer
 * came, and a save in that window stored position 0 with the track: the next bot restart re-created
 * the track from its start, 23 s behind.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import { channelId, connectedPoolOver, guildId, longTrack } from '../helpers/cluster.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

it('a move keeps the estimated position until the new node answers, in memory and in what is saved', async () => {
  const { pool, close } = await connectedPoolOver(2, { store: new MemoryStore() });
  stop = close;
  const track = await longTrack(pool);
  const player = await pool.join({
    guildId: guildId(1),
    channelId: channelId(1),
    node: 'node1',
    play: track,
  });
  await player.seek(30_000);
  // What the player believes, and what a save would write, at each frame of the new node.
  const seen: Array<{ frame: string; position: number; saved: number }> = [];
  const look = (frame: string) =>
    seen.push({ frame, position: player.position, saved: player.toJSON().position });
  pool.on('playerUpdate', ({ state }) => look(`update at ${state.position}`));
  pool.on('trackStart', () => look('trackStart'));
  await player.moveTo(pool.getNode('node2')!);
  expect(seen.map(({ frame }) => frame)).toContain('trackStart');
  expect(seen.some(({ frame }) => frame === 'update at 0')).toBe(true); // the voice-first update came
  for (const { position, saved } of seen) {
    expect(position).toBeGreaterThanOrEqual(30_000);
    expect(saved).toBeGreaterThanOrEqual(30_000);
  }
  expect(player.position).toBeGreaterThanOrEqual(30_000);
});
