import { fakeTrack } from '../../helpers/tracks.js';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { Queue, type LoopMode } from '../../../src/player/queue.js';
import { MAY_START_NEXT, type TrackEndReason } from '../../../src/protocol/messages.js';
import type { Track } from '../../../src/protocol/track.js';

const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(fakeTrack) as [Track, Track, Track, Track, Track];

function titles(tracks: Iterable<Track>): string[] {
  return [...tracks].map((t) => t.info.title);
}

/** A queue with `current` playing and `rest` upcoming. */
function playing(current: Track, rest: Track[], loop: LoopMode = 'off', historyLimit = 50): Queue {
  const queue = new Queue({ loop, historyLimit });
  queue.add([current, ...rest]);
  queue.next();
  return queue;
}

/** A deterministic [0, 1) source (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectInvalid(fn: () => unknown, kind: typeof TypeError | typeof RangeError, option: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    expect((error as { code?: string }).code).toBe(ErrorCodes.InvalidOption);
    expect((error as Error).message).toContain(`\`${option}\``);
    return;
  }
  expect.fail(`expected a ${kind.name} naming ${option}`);
}

describe('Queue construction', () => {
  it('starts empty with defaults', () => {
    const queue = new Queue();
    expect(queue.current).toBeNull();
    expect(queue.tracks).toEqual([]);
    expect(queue.history).toEqual([]);
    expect(queue.loop).toBe('off');
    expect(queue.historyLimit).toBe(50);
    expect(queue.size).toBe(0);
    expect(queue.isEmpty).toBe(true);
    expect(queue.version).toBe(0);
  });

  it('validates historyLimit and loop', () => {
    expectInvalid(() => new Queue({ historyLimit: -1 }), RangeError, 'historyLimit');
    expectInvalid(() => new Queue({ historyLimit: 1.5 }), RangeError, 'historyLimit');
    expectInvalid(() => new Queue({ historyLimit: '5' as unknown as number }), TypeError, 'historyLimit');
    expectInvalid(() => new Queue({ loop: 'all' as LoopMode }), TypeError, 'loop');
    expect(new Queue({ historyLimit: 0, loop: 'queue' }).loop).toBe('queue');
  });
});

describe('Queue editing', () => {
  it('adds one track or many, at the end or at a position, and returns the size', () => {
    const queue = new Queue();
    expect(queue.add(a)).toBe(1);
    expect(queue.add([b, c])).toBe(3);
    expect(queue.add(d, { position: 0 })).toBe(4);
    expect(queue.add([e], { position: 4 })).toBe(5);
    expect(titles(queue)).toEqual(['d', 'a', 'b', 'c', 'e']);
    expect(queue.at(0)).toBe(d);
    expect(queue.at(-1)).toBe(e);
    expect(queue.at(9)).toBeUndefined();
    expect(queue.indexOf(b)).toBe(2);
    expect(queue.indexOf(fakeTrack('a'))).toBe(-1);
  });

  it('keeps the Track objects it was given', () => {
    const queue = new Queue();
    queue.add(a);
    expect(queue.tracks[0]).toBe(a);
  });

  it('rejects bad positions and things that are not tracks', () => {
    const queue = new Queue();
    queue.add(a);
    expectInvalid(() => queue.add(b, { position: -1 }), RangeError, 'position');
    expectInvalid(() => queue.add(b, { position: 2 }), RangeError, 'position');
    expectInvalid(() => queue.add(b, { position: 0.5 }), RangeError, 'position');
    expectInvalid(() => queue.add({} as Track), TypeError, 'track.encoded');
    expectInvalid(() => queue.add(null as unknown as Track), TypeError, 'track');
    expectInvalid(
      () => queue.add([b, { ...c, info: null } as unknown as Track]),
      TypeError,
      'tracks[1].info',
    );
    expect(titles(queue)).toEqual(['a']);
  });

  it('adds a very large playlist', () => {
    const queue = new Queue();
    queue.add(a);
    const many = Array.from({ length: 25_000 }, () => b);
    expect(queue.add(many, { position: 0 })).toBe(25_001);
    expect(queue.at(-1)).toBe(a);
  });

  it('removes by index and returns the removed track', () => {
    const queue = new Queue();
    queue.add([a, b, c]);
    expect(queue.remove(1)).toBe(b);
    expect(titles(queue)).toEqual(['a', 'c']);
    expectInvalid(() => queue.remove(2), RangeError, 'index');
    expectInvalid(() => queue.remove(-1), RangeError, 'index');
    expectInvalid(() => new Queue().remove(0), RangeError, 'index');
  });

  it('removes by predicate, atomically', () => {
    const queue = new Queue();
    queue.add([a, b, c, d]);
    expect(queue.removeWhere((t, i) => t === a || i === 2)).toEqual([a, c]);
    expect(titles(queue)).toEqual(['b', 'd']);
    const version = queue.version;
    expect(queue.removeWhere(() => false)).toEqual([]);
    expect(queue.version).toBe(version);
    expect(() =>
      queue.removeWhere((t) => {
        if (t === d) throw new Error('boom');
        return true;
      }),
    ).toThrow('boom');
    expect(titles(queue)).toEqual(['b', 'd']);
    expectInvalid(() => queue.removeWhere(null as never), TypeError, 'predicate');
  });

  it('moves a track', () => {
    const queue = new Queue();
    queue.add([a, b, c, d]);
    expect(queue.move(0, 2)).toBe(a);
    expect(titles(queue)).toEqual(['b', 'c', 'a', 'd']);
    expect(queue.move(3, 0)).toBe(d);
    expect(titles(queue)).toEqual(['d', 'b', 'c', 'a']);
    const version = queue.version;
    queue.move(1, 1);
    expect(queue.version).toBe(version);
    expectInvalid(() => queue.move(4, 0), RangeError, 'from');
    expectInvalid(() => queue.move(0, 4), RangeError, 'to');
  });

  it('clears the upcoming tracks and, separately, the history', () => {
    const queue = playing(a, [b, c]);
    queue.next();
    expect(queue.clear()).toBe(1);
    expect(queue.clear()).toBe(0);
    expect(queue.current).toBe(b);
    expect(queue.clearHistory()).toBe(1);
    expect(queue.history).toEqual([]);
  });

  it('shuffles with Fisher–Yates, reproducibly with a seeded source', () => {
    const shuffled = (seed: number): string[] => {
      const queue = new Queue();
      queue.add([a, b, c, d, e]);
      queue.shuffle(seeded(seed));
      return titles(queue);
    };
    expect(shuffled(7)).toEqual(shuffled(7));
    expect([...shuffled(7)].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    // r = 0 always swaps with the first slot: [a b c d e] -> [b c d e a].
    const queue = new Queue();
    queue.add([a, b, c, d, e]);
    queue.shuffle(() => 0);
    expect(titles(queue)).toEqual(['b', 'c', 'd', 'e', 'a']);
    // r close to 1 always swaps an item with itself.
    queue.shuffle(() => 0.999999);
    expect(titles(queue)).toEqual(['b', 'c', 'd', 'e', 'a']);
  });

  it('reaches every permutation with a uniform-ish distribution', () => {
    const counts = new Map<string, number>();
    const random = seeded(42);
    for (let i = 0; i < 6000; i++) {
      const queue = new Queue();
      queue.add([a, b, c]);
      queue.shuffle(random);
      const key = titles(queue).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(count).toBeGreaterThan(850);
  });

  it('rejects a random source outside [0, 1)', () => {
    const queue = new Queue();
    queue.add([a, b]);
    expectInvalid(() => queue.shuffle(() => 1), RangeError, 'random');
    expectInvalid(() => queue.shuffle(() => Number.NaN), RangeError, 'random');
    expectInvalid(() => queue.shuffle('x' as never), TypeError, 'random');
    new Queue().shuffle(() => 5); // nothing to shuffle, source never called
  });

  it('counts every mutation in version, and nothing else', () => {
    const queue = new Queue();
    let last = queue.version;
    const changed = (): boolean => {
      const result = queue.version > last;
      last = queue.version;
      return result;
    };
    queue.add([a, b, c]);
    expect(changed()).toBe(true);
    queue.add([]);
    expect(changed()).toBe(false);
    queue.loop = 'queue';
    expect(changed()).toBe(true);
    queue.loop = 'queue';
    expect(changed()).toBe(false);
    queue.shuffle(() => 0);
    expect(changed()).toBe(true);
    queue.next();
    queue.next();
    expect(changed()).toBe(true);
    queue.toJSON();
    queue.at(0);
    expect(changed()).toBe(false);
    queue.previous();
    expect(changed()).toBe(true);
    queue.skip();
    expect(changed()).toBe(true);
    queue.remove(0);
    expect(changed()).toBe(true);
    expect(queue.onTrackEnd('stopped')).toBeNull();
    expect(changed()).toBe(false);
  });

  it('validates the loop setter', () => {
    const queue = new Queue();
    expectInvalid(() => (queue.loop = 'forever' as LoopMode), TypeError, 'loop');
    expect(queue.loop).toBe('off');
  });
});

describe('Queue.next', () => {
  it('moves current to history and takes the next track', () => {
    const queue = new Queue();
    queue.add([a, b]);
    expect(queue.next()).toBe(a);
    expect(queue.history).toEqual([]);
    expect(queue.next()).toBe(b);
    expect(queue.history).toEqual([a]);
    expect(queue.next()).toBeNull();
    expect(queue.current).toBeNull();
    expect(queue.history).toEqual([a, b]);
    const version = queue.version;
    expect(queue.next()).toBeNull();
    expect(queue.version).toBe(version);
  });

  it("repeats the current track with loop 'track'", () => {
    const queue = playing(a, [b], 'track');
    expect(queue.next()).toBe(a);
    expect(queue.next()).toBe(a);
    expect(titles(queue)).toEqual(['b']);
    expect(queue.history).toEqual([]);
  });

  it("re-appends the finished track with loop 'queue'", () => {
    const queue = playing(a, [b, c], 'queue');
    expect(queue.next()).toBe(b);
    expect(titles(queue)).toEqual(['c', 'a']);
    expect(queue.next()).toBe(c);
    expect(queue.next()).toBe(a);
    expect(titles(queue)).toEqual(['b', 'c']);
    const single = playing(d, [], 'queue');
    expect(single.next()).toBe(d);
    expect(single.next()).toBe(d);
  });

  it('keeps at most historyLimit tracks, newest last', () => {
    const queue = playing(a, [b, c, d, e], 'off', 2);
    queue.skip();
    queue.skip();
    queue.skip();
    expect(queue.history).toEqual([b, c]);
    const none = playing(a, [b], 'off', 0);
    none.next();
    expect(none.history).toEqual([]);
    expect(none.previous()).toBeNull();
  });
});

describe('Queue.skip', () => {
  it('skips one by default, several on request, dropping the ones jumped over', () => {
    const queue = playing(a, [b, c, d, e]);
    expect(queue.skip()).toBe(b);
    expect(queue.skip(2)).toBe(d);
    expect(titles(queue)).toEqual(['e']);
    expect(queue.history).toEqual([a, b]);
  });

  it("moves on even with loop 'track'", () => {
    const queue = playing(a, [b], 'track');
    expect(queue.skip()).toBe(b);
    expect(queue.history).toEqual([a]);
  });

  it('ends the queue when skipping past the end', () => {
    const queue = playing(a, [b]);
    expect(queue.skip(5)).toBeNull();
    expect(queue.current).toBeNull();
    expect(queue.isEmpty).toBe(true);
    expect(queue.history).toEqual([a]);
    expect(queue.skip()).toBeNull();
  });

  it('from an idle queue, the first step takes the first track', () => {
    const queue = new Queue();
    queue.add([a, b, c]);
    expect(queue.skip()).toBe(a);
    const other = new Queue();
    other.add([a, b, c]);
    expect(other.skip(2)).toBe(b);
    expect(other.history).toEqual([]);
  });

  it("rotates with loop 'queue', wrapping around", () => {
    const queue = playing(a, [b, c, d], 'queue');
    expect(queue.skip(2)).toBe(c);
    expect(titles(queue)).toEqual(['d', 'a', 'b']);
    expect(queue.skip(4)).toBe(c);
    expect(queue.skip(1_000_000_001)).toBe(d);
    const idle = new Queue({ loop: 'queue' });
    idle.add([a, b]);
    expect(idle.skip(3)).toBe(a);
    expect(new Queue({ loop: 'queue' }).skip()).toBeNull();
  });

  it('validates count', () => {
    const queue = playing(a, [b]);
    expectInvalid(() => queue.skip(0), RangeError, 'count');
    expectInvalid(() => queue.skip(1.5), RangeError, 'count');
    expect(queue.current).toBe(a);
  });
});

describe('Queue.previous', () => {
  it('returns null and changes nothing without history', () => {
    const queue = playing(a, [b]);
    const version = queue.version;
    expect(queue.previous()).toBeNull();
    expect(queue.current).toBe(a);
    expect(queue.version).toBe(version);
    expect(new Queue().previous()).toBeNull();
  });

  it('takes the newest history entry back and puts current in front', () => {
    const queue = playing(a, [b, c]);
    queue.next();
    queue.next();
    expect(queue.previous()).toBe(b);
    expect(titles(queue)).toEqual(['c']);
    expect(queue.previous()).toBe(a);
    expect(titles(queue)).toEqual(['b', 'c']);
    expect(queue.history).toEqual([]);
  });

  it('works after the queue ran out', () => {
    const queue = playing(a, []);
    expect(queue.next()).toBeNull();
    expect(queue.previous()).toBe(a);
    expect(queue.isEmpty).toBe(true);
  });

  it("undoes next() with loop 'queue' without duplicating the track", () => {
    const queue = playing(a, [b, c], 'queue');
    queue.next();
    expect(queue.previous()).toBe(a);
    expect(titles(queue)).toEqual(['b', 'c']);
    queue.skip(2);
    expect(queue.previous()).toBe(a);
    expect(titles(queue).sort()).toEqual(['b', 'c']);
  });
});

describe('Queue.replaceCurrent', () => {
  it('sets current directly, sending the interrupted track to history', () => {
    const queue = playing(a, [b]);
    expect(queue.replaceCurrent(c)).toBe(a);
    expect(queue.current).toBe(c);
    expect(queue.history).toEqual([a]);
    expect(titles(queue)).toEqual(['b']);
    expect(queue.previous()).toBe(a);
    expect(titles(queue)).toEqual(['c', 'b']);
  });

  it('accepts null, ignores the same track, and validates', () => {
    const queue = new Queue({ loop: 'queue' });
    expect(queue.replaceCurrent(a)).toBeNull();
    expect(queue.history).toEqual([]);
    const version = queue.version;
    expect(queue.replaceCurrent(a)).toBe(a);
    expect(queue.version).toBe(version);
    expect(queue.replaceCurrent(null)).toBe(a);
    expect(queue.current).toBeNull();
    expect(queue.isEmpty).toBe(true);
    expectInvalid(() => queue.replaceCurrent({} as Track), TypeError, 'track.encoded');
  });
});

describe('Queue.onTrackEnd', () => {
  const reasons = Object.keys(MAY_START_NEXT) as TrackEndReason[];

  it.each(reasons)('follows mayStartNext for %s', (reason) => {
    const queue = playing(a, [b]);
    const result = queue.onTrackEnd(reason);
    if (MAY_START_NEXT[reason]) {
      expect(result).toBe(b);
      expect(queue.current).toBe(b);
    } else {
      expect(result).toBeNull();
      expect(queue.current).toBe(a);
      expect(titles(queue)).toEqual(['b']);
    }
  });

  it('never advances for an unknown reason', () => {
    const queue = playing(a, [b]);
    expect(queue.onTrackEnd('exploded' as TrackEndReason)).toBeNull();
    expect(queue.current).toBe(a);
  });

  it("repeats a finished track with loop 'track'", () => {
    const queue = playing(a, [b], 'track');
    expect(queue.onTrackEnd('finished')).toBe(a);
  });

  it('drops a track that failed to load, whatever the loop mode', () => {
    const looped = playing(a, [b], 'track');
    expect(looped.onTrackEnd('loadFailed')).toBe(b);
    expect(looped.history).toEqual([]);
    const lone = playing(a, [], 'track');
    expect(lone.onTrackEnd('loadFailed')).toBeNull();
    expect(lone.current).toBeNull();
    const rotating = playing(a, [b], 'queue');
    expect(rotating.onTrackEnd('loadFailed')).toBe(b);
    expect(titles(rotating)).toEqual([]);
  });

  it('treats failed: true like loadFailed', () => {
    const queue = playing(a, [b], 'track');
    expect(queue.onTrackEnd('finished', { failed: true })).toBe(b);
    expect(queue.onTrackEnd('replaced', { failed: true })).toBeNull();
    expect(queue.current).toBe(b);
  });

  it('returns null at the end of the queue', () => {
    const queue = playing(a, []);
    expect(queue.onTrackEnd('finished')).toBeNull();
    expect(queue.history).toEqual([a]);
  });
});

describe('Queue JSON', () => {
  it('round-trips exactly, through JSON text too', () => {
    const queue = playing(a, [b, c, d], 'queue', 3);
    queue.next();
    queue.loop = 'track';
    const snapshot = queue.toJSON();
    expect(snapshot).toEqual({ current: b, tracks: [c, d, a], history: [a], loop: 'track', historyLimit: 3 });
    const restored = Queue.fromJSON(JSON.parse(JSON.stringify(snapshot)));
    expect(restored.toJSON()).toEqual(snapshot);
    expect(Queue.fromJSON(snapshot).current).toBe(b);
    expect(new Queue().toJSON()).toEqual({
      current: null,
      tracks: [],
      history: [],
      loop: 'off',
      historyLimit: 50,
    });
  });

  it('returns fresh arrays', () => {
    const queue = playing(a, [b]);
    const snapshot = queue.toJSON();
    snapshot.tracks.push(c);
    expect(queue.size).toBe(1);
  });

  it('trims a history longer than its limit, keeping the newest', () => {
    const restored = Queue.fromJSON({
      current: null,
      tracks: [],
      history: [a, b, c],
      loop: 'off',
      historyLimit: 2,
    });
    expect(restored.history).toEqual([b, c]);
  });

  it.each([
    ['null', null, 'snapshot'],
    ['an array', [], 'snapshot'],
    ['no loop', { current: null, tracks: [], history: [], historyLimit: 5 }, 'snapshot.loop'],
    ['bad loop', { current: null, tracks: [], history: [], loop: 'x', historyLimit: 5 }, 'snapshot.loop'],
    ['no limit', { current: null, tracks: [], history: [], loop: 'off' }, 'snapshot.historyLimit'],
    ['missing current', { tracks: [], history: [], loop: 'off', historyLimit: 5 }, 'snapshot.current'],
    [
      'bad current',
      { current: 'a', tracks: [], history: [], loop: 'off', historyLimit: 5 },
      'snapshot.current',
    ],
    [
      'tracks not array',
      { current: null, tracks: {}, history: [], loop: 'off', historyLimit: 5 },
      'snapshot.tracks',
    ],
    [
      'track without encoded',
      {
        current: null,
        tracks: [{ info: {}, pluginInfo: {}, userData: {} }],
        history: [],
        loop: 'off',
        historyLimit: 5,
      },
      'snapshot.tracks[0].encoded',
    ],
    [
      'history entry without userData',
      {
        current: null,
        tracks: [],
        history: [{ encoded: 'x', info: {}, pluginInfo: {} }],
        loop: 'off',
        historyLimit: 5,
      },
      'snapshot.history[0].userData',
    ],
  ])('rejects garbage: %s', (_, snapshot, option) => {
    expectInvalid(() => Queue.fromJSON(snapshot), TypeError, option);
  });
});
