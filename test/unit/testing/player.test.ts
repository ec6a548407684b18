import { describe, expect, it } from 'vitest';
import { decodeTrackDetailed } from '../../../src/protocol/track-codec.js';
import { loadTracks } from '../../../src/testing/catalogue.js';
import { EmulatedPlayer } from '../../../src/testing/player.js';
import { trackAt } from '../../../src/testing/tracks.js';

function setup(length = 10_000) {
  let time = 1000;
  const player = new EmulatedPlayer('1', () => time);
  const result = loadTracks(`emulator:track?length=${length}`);
  if (result.loadType !== 'track') throw new Error('catalogue');
  const track = { decoded: decodeTrackDetailed(result.data.encoded), userData: {} };
  return { player, track, advance: (ms: number) => void (time += ms), now: () => time };
}

describe('EmulatedPlayer', () => {
  it('derives position and end time from the clock', () => {
    const { player, track, advance, now } = setup();
    expect(player.position()).toBe(0);
    expect(player.endsAt()).toBe(Number.POSITIVE_INFINITY);
    player.start(track, 2000, null, false);
    expect(player.endsAt()).toBe(now() + 8000);
    advance(1500);
    expect(player.position()).toBe(3500);
    player.setPaused(true);
    advance(5000);
    expect(player.position()).toBe(3500);
    expect(player.endsAt()).toBe(Number.POSITIVE_INFINITY);
    player.setPaused(false);
    player.setFilters({ timescale: { speed: 2, pitch: 1, rate: 1 } });
    advance(1000);
    expect(player.position()).toBe(5500);
    expect(player.endsAt()).toBe(now() + 2250);
    advance(100_000);
    expect(player.position()).toBe(10_000);
  });

  it('stops at the endTime marker and reports idle after clear', () => {
    const { player, track, advance, now } = setup();
    player.start(track, 0, 4000, false);
    expect(player.endsAt()).toBe(now() + 4000);
    advance(5000);
    expect(player.position()).toBe(4000);
    expect(player.clear()).toEqual({ track, position: 4000 });
    expect(player.toJson()).toMatchObject({
      track: null,
      state: { position: 0, connected: false, ping: -1 },
    });
  });

  it('re-encodes reported tracks with the current position', () => {
    const { player, track, advance } = setup();
    player.start(track, 0, null, false);
    advance(1234);
    const reported = trackAt(track, player.position());
    expect(reported.info.position).toBe(1234);
    expect(decodeTrackDetailed(reported.encoded).info.position).toBe(1234);
    expect(trackAt(track, 0).encoded).toBe(track.decoded.encoded);
  });
});
