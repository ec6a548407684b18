import { describe, expect, it } from 'vitest';
import {
  createTrackInterner,
  estimateOverrun,
  estimatePosition,
} from '../../../src/player/player-snapshot.js';
import { Queue } from '../../../src/player/queue.js';
import type { Track } from '../../../src/protocol/track.js';
import { fakeTrack } from '../../helpers/tracks.js';

/** What JSON.parse gives back for a saved track: an equal, separate object. */
function parsed<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const song = fakeTrack('song'); // 180 000 ms
const at = (
  position: number,
  extra: { paused?: boolean; endTime?: number | null; track?: Track | null } = {},
) => ({
  track: song,
  position,
  timestamp: 1000,
  paused: false,
  endTime: null,
  ...extra,
});

describe('estimateOverrun', () => {
  it('is null while the track plays, and the time past its end once it ended', () => {
    expect(estimateOverrun(at(179_000), 1500)).toBeNull();
    expect(estimateOverrun(at(179_000), 2000)).toBe(0);
    expect(estimateOverrun(at(179_000), 4500)).toBe(2500);
    // The position estimate itself stays clamped to the length.
    expect(estimatePosition(at(179_000), 4500)).toBe(180_000);
  });

  it('counts track time under a timescale, and ends at endTime when it is set', () => {
    expect(estimateOverrun(at(179_000), 2000, 2)).toBe(1000);
    expect(estimateOverrun(at(10_000, { endTime: 11_000 }), 2500)).toBe(500);
    expect(estimateOverrun(at(10_000, { endTime: 11_000 }), 1500)).toBeNull();
    // A snapshot from the store without an endTime plays to the end.
    const noEndTime = { ...at(179_000), endTime: undefined as unknown as null };
    expect(estimateOverrun(noEndTime, 4500)).toBe(2500);
  });

  it('is null for a paused player, a stream and no track', () => {
    expect(estimateOverrun(at(179_000, { paused: true }), 1e9)).toBeNull();
    const stream = { ...song, info: { ...song.info, isStream: true, length: Number.MAX_SAFE_INTEGER } };
    expect(estimateOverrun(at(179_000, { track: stream }), 1e9)).toBeNull();
    expect(estimateOverrun(at(0, { track: null }), 1e9)).toBeNull();
  });
});

describe('createTrackInterner', () => {
  it('gives one object for equal tracks, the first one seen', () => {
    const intern = createTrackInterner();
    const first = parsed(song);
    expect(intern(first)).toBe(first);
    expect(intern(parsed(song))).toBe(first);
    expect(intern(parsed(song))).toBe(first);
  });

  it('keeps tracks with different userData apart, sharing the blob and info', () => {
    const intern = createTrackInterner();
    const plain = intern(parsed(song));
    const alice = intern(parsed({ ...song, userData: { requester: 'alice' } }));
    const bob = intern(parsed({ ...song, userData: { requester: 'bob' } }));
    expect(new Set([plain, alice, bob]).size).toBe(3);
    expect(alice.userData).toEqual({ requester: 'alice' });
    expect(bob.userData).toEqual({ requester: 'bob' });
    expect(plain.userData).toEqual({});
    expect(alice.info).toBe(plain.info);
    expect(bob.info).toBe(plain.info);
    expect(intern(parsed({ ...song, userData: { requester: 'alice' } }))).toBe(alice);
  });

  it('keeps tracks with different pluginInfo or info apart', () => {
    const intern = createTrackInterner();
    const plain = intern(parsed(song));
    const plugged = intern(parsed({ ...song, pluginInfo: { albumName: 'x' } }));
    const later = intern(parsed({ ...song, info: { ...song.info, position: 5000 } }));
    expect(plugged).not.toBe(plain);
    expect(plugged.pluginInfo).toEqual({ albumName: 'x' });
    expect(later).not.toBe(plain);
    expect(later.info.position).toBe(5000);
    expect(plain.info.position).toBe(0);
  });

  it('changes no track it is given', () => {
    const intern = createTrackInterner();
    const first = parsed(song);
    const second = parsed({ ...song, userData: { n: 1 } });
    const copyOfSecond = parsed(second);
    intern(first);
    intern(second);
    expect(first).toEqual(song);
    expect(second).toEqual(copyOfSecond);
  });

  it('makes queues restored with one interner share their tracks', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(fakeTrack) as [Track, Track, Track];
    const snapshot = { current: a, tracks: [b, c, b], history: [c], loop: 'off', historyLimit: 50 };
    const intern = createTrackInterner();
    const queues = [1, 2, 3].map(() => Queue.fromJSON(parsed(snapshot), intern));
    for (const queue of queues) {
      expect(queue.current).toBe(queues[0]!.current);
      queue.tracks.forEach((track, i) => expect(track).toBe(queues[0]!.tracks[i]));
      expect(queue.history[0]).toBe(queues[0]!.tracks[1]);
    }
    expect(queues[0]!.tracks[0]).toBe(queues[0]!.tracks[2]);
    // Without an interner each queue keeps its own parsed copies.
    expect(Queue.fromJSON(parsed(snapshot)).current).not.toBe(Queue.fromJSON(parsed(snapshot)).current);
  });

  it('a rejected queue snapshot leaves nothing in the interner', () => {
    const intern = createTrackInterner();
    const bad = parsed({
      current: song,
      tracks: [song, { encoded: 5 }],
      history: [],
      loop: 'off',
      historyLimit: 50,
    });
    expect(() => Queue.fromJSON(bad, intern)).toThrow(TypeError);
    const later = parsed(song);
    expect(intern(later)).toBe(later);
  });
});
