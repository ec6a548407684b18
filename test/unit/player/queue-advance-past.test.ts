import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { Queue, type LoopMode } from '../../../src/player/queue.js';
import type { Track } from '../../../src/protocol/track.js';
import { fakeTrack } from '../../helpers/tracks.js';

/** A track of `length` ms (a stream when `length` is Infinity). */
function track(title: string, length: number): Track {
  const base = fakeTrack(title);
  const isStream = length === Infinity;
  return { ...base, info: { ...base.info, length: isStream ? Number.MAX_SAFE_INTEGER : length, isStream } };
}

const a = track('a', 1000);
const b = track('b', 2000);
const c = track('c', 3000);

/** A queue with `current` playing and `rest` upcoming. */
function playing(current: Track, rest: Track[], loop: LoopMode = 'off', historyLimit = 50): Queue {
  const queue = new Queue({ loop, historyLimit });
  queue.add([current, ...rest]);
  queue.next();
  return queue;
}

function titles(tracks: Iterable<Track>): string[] {
  return [...tracks].map((t) => t.info.title);
}

/** The same walk, one `next()` per track end, as the player does when it sees every end. */
function stepByStep(queue: Queue, overrunMs: number): { track: Track; position: number } | null {
  let remaining = overrunMs;
  for (let current = queue.next(); current !== null; current = queue.next()) {
    if (current.info.isStream || remaining < current.info.length)
      return { track: current, position: remaining };
    remaining -= current.info.length;
  }
  return null;
}

describe('Queue.advancePast', () => {
  it('with no loop, plays on through the next tracks and keeps the finished ones in the history', () => {
    const queue = playing(a, [b, c]);
    const before = queue.version;
    expect(queue.advancePast(2500)).toEqual({ track: c, position: 500 });
    expect(queue.current).toBe(c);
    expect(titles(queue.history)).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
    expect(queue.version).toBeGreaterThan(before);
  });

  it('an overrun of 0 starts the next track at its beginning', () => {
    const queue = playing(a, [b]);
    expect(queue.advancePast(0)).toEqual({ track: b, position: 0 });
  });

  it('returns null with no current track when the queue ran out, every track in the history', () => {
    const queue = playing(a, [b]);
    expect(queue.advancePast(10_000)).toBeNull();
    expect(queue.current).toBeNull();
    expect(titles(queue.history)).toEqual(['a', 'b']);
  });

  it('with loop track, stays on the track at the overrun modulo its length', () => {
    const queue = playing(a, [b], 'track');
    expect(queue.advancePast(3250)).toEqual({ track: a, position: 250 });
    expect(titles(queue.tracks)).toEqual(['b']);
    expect(queue.history).toEqual([]);
  });

  it('with loop queue, cycles through the queue as repeated next() calls would', () => {
    const queue = playing(a, [b, c], 'queue');
    expect(queue.advancePast(2000 + 3000 + 1000 + 1500)).toEqual({ track: b, position: 1500 });
    expect(titles(queue.tracks)).toEqual(['c', 'a']);
    expect(titles(queue.history)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('with loop queue, a long overrun ends as the walk step by step does, history included', () => {
    for (const historyLimit of [0, 1, 5, 50]) {
      const overrunMs = 6000 * 10_000 + 3700;
      const fast = playing(a, [b, c], 'queue', historyLimit);
      const slow = playing(a, [b, c], 'queue', historyLimit);
      expect(fast.advancePast(overrunMs)).toEqual(stepByStep(slow, overrunMs));
      expect(titles(fast.tracks)).toEqual(titles(slow.tracks));
      expect(titles(fast.history)).toEqual(titles(slow.history));
      expect(fast.history).toHaveLength(historyLimit);
    }
  });

  it('a day-long overrun of a looped queue of short tracks takes few steps', () => {
    const queue = playing(a, [b, c], 'queue');
    const before = queue.version;
    queue.advancePast(86_400_000);
    // One version per next(): at most the turns needed to refill the history, plus one.
    expect(queue.version - before).toBeLessThan(50 + 2 * 3 + 2);
  });

  it('stops at a stream, whatever the overrun', () => {
    const radio = track('radio', Infinity);
    const queue = playing(a, [radio, b], 'queue');
    expect(queue.advancePast(1e9)).toEqual({ track: radio, position: 1e9 });
    expect(titles(queue.tracks)).toEqual(['b', 'a']);
  });

  it('does not loop forever over tracks with no length', () => {
    const empty = track('empty', 0);
    expect(playing(empty, [], 'queue').advancePast(500)).toEqual({ track: empty, position: 0 });
    expect(playing(empty, [], 'track').advancePast(500)).toEqual({ track: empty, position: 0 });
    expect(playing(empty, [empty], 'off').advancePast(500)).toBeNull();
  });

  it('counts a saved length that is not a number as 0, so a corrupt queue cannot hang it', () => {
    const bad = { ...a, info: { ...a.info, length: 'long' as unknown as number } };
    expect(playing(bad, [bad], 'queue').advancePast(500)).toEqual({ track: bad, position: 0 });
    const queue = playing(bad, [b], 'queue');
    expect(queue.advancePast(4500)).toEqual({ track: b, position: 500 });
  });

  it('rejects a negative or non-numeric overrun, changing nothing', () => {
    const queue = playing(a, [b]);
    for (const bad of [-1, Number.NaN, Infinity, '5' as unknown as number]) {
      try {
        queue.advancePast(bad);
        expect.fail('expected a throw');
      } catch (error) {
        expect((error as { code?: string }).code).toBe(ErrorCodes.InvalidOption);
      }
    }
    expect(queue.current).toBe(a);
    expect(queue.version).toBe(2);
  });
});
