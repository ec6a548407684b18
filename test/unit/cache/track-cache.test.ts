import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRACK_CACHE,
  TrackCache,
  resolveTrackCacheOptions,
  trackCacheKey,
} from '../../../src/cache/track-cache.js';
import type { LoadResult, Track } from '../../../src/protocol/track.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function track(id: string): Track {
  return {
    encoded: `QAAA${id}`,
    info: {
      identifier: id,
      isSeekable: true,
      author: 'Author',
      length: 212_000,
      isStream: false,
      position: 0,
      title: `Title ${id}`,
      uri: `https://www.youtube.com/watch?v=${id}`,
      artworkUrl: null,
      isrc: null,
      sourceName: 'youtube',
    },
    pluginInfo: {},
    userData: {},
  };
}

const trackResult = (id: string): LoadResult => ({ loadType: 'track', data: track(id) });
const searchResult = (...ids: string[]): LoadResult => ({ loadType: 'search', data: ids.map(track) });
const playlistResult = (...ids: string[]): LoadResult => ({
  loadType: 'playlist',
  data: { info: { name: 'Mix', selectedTrack: -1 }, pluginInfo: { kind: 'mix' }, tracks: ids.map(track) },
});

describe('TrackCache', () => {
  it('returns a cached track result and counts hits and misses', () => {
    const cache = new TrackCache();
    expect(cache.get('dQw4w9WgXcQ')).toBeUndefined();
    expect(cache.set('dQw4w9WgXcQ', trackResult('dQw4w9WgXcQ'))).toBe(true);
    expect(cache.get('dQw4w9WgXcQ')).toEqual(trackResult('dQw4w9WgXcQ'));
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, size: 1, capacity: 200, evictions: 0 });
  });

  it('never caches errors, empty results, empty searches or playlists, or unknown load types', () => {
    const cache = new TrackCache();
    const rejected: unknown[] = [
      { loadType: 'error', data: { message: 'Video unavailable', severity: 'common', cause: 'x' } },
      { loadType: 'empty', data: null },
      { loadType: 'search', data: [] },
      playlistResult(),
      { loadType: 'short', data: {} },
    ];
    for (const result of rejected) expect(cache.set('ytsearch:x', result as LoadResult)).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.get('ytsearch:x')).toBeUndefined();
  });

  it('expires search results after searchTtlMs while tracks and playlists stay', () => {
    const clock = new FakeClock(0);
    const cache = new TrackCache({ searchTtlMs: 60_000 }, { clock });
    cache.set('ytsearch:rick', searchResult('a', 'b'));
    cache.set('https://youtu.be/a', trackResult('a'));
    cache.set('https://www.youtube.com/playlist?list=PL1', playlistResult('a', 'b'));
    clock.advance(59_999);
    expect(cache.get('ytsearch:rick')).toEqual(searchResult('a', 'b'));
    clock.advance(1);
    expect(cache.has('ytsearch:rick')).toBe(false);
    expect(cache.get('ytsearch:rick')).toBeUndefined();
    clock.advance(365 * 24 * 3_600_000);
    expect(cache.get('https://youtu.be/a')).toBeDefined();
    expect(cache.get('https://www.youtube.com/playlist?list=PL1')).toBeDefined();
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, size: 2, evictions: 0 });
  });

  it('does not cache searches when searchTtlMs is 0', () => {
    const cache = new TrackCache({ searchTtlMs: 0 });
    expect(cache.set('ytsearch:x', searchResult('a'))).toBe(false);
    expect(cache.set('a', trackResult('a'))).toBe(true);
  });

  it('evicts by frequency when full and counts evictions', () => {
    const cache = new TrackCache({ capacity: 2 });
    cache.set('a', trackResult('a'));
    cache.set('b', trackResult('b'));
    cache.get('a');
    cache.set('c', trackResult('c'));
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.stats()).toEqual({ hits: 1, misses: 0, size: 2, capacity: 2, evictions: 1 });
  });

  it('shares nothing mutable with callers, in either direction', () => {
    const cache = new TrackCache();
    const original = searchResult('a');
    cache.set('ytsearch:a', original);
    (original.data as Track[])[0]!.info.title = 'changed by the caller';
    const first = cache.get('ytsearch:a') as Extract<LoadResult, { loadType: 'search' }>;
    expect(first.data[0]!.info.title).toBe('Title a');
    first.data[0]!.userData.requester = '123';
    first.data.pop();
    const second = cache.get('ytsearch:a') as Extract<LoadResult, { loadType: 'search' }>;
    expect(second.data).toHaveLength(1);
    expect(second.data[0]!.userData).toEqual({});
  });

  it('deep-copies plugin data of playlists', () => {
    const cache = new TrackCache();
    const result = playlistResult('a');
    (result.data as { tracks: Track[] }).tracks[0]!.pluginInfo = { album: { name: 'X' } };
    cache.set('https://example.com/p', result);
    const hit = cache.get('https://example.com/p') as Extract<LoadResult, { loadType: 'playlist' }>;
    (hit.data.tracks[0]!.pluginInfo.album as { name: string }).name = 'Y';
    hit.data.pluginInfo.kind = 'changed';
    const again = cache.get('https://example.com/p') as Extract<LoadResult, { loadType: 'playlist' }>;
    expect(again.data.tracks[0]!.pluginInfo).toEqual({ album: { name: 'X' } });
    expect(again.data.pluginInfo).toEqual({ kind: 'mix' });
  });

  it('shares entries between spellings of one identifier, keeping the source apart', () => {
    const cache = new TrackCache();
    cache.set('ytsearch:Never  Gonna Give', searchResult('a'));
    expect(cache.get('  YTSEARCH:never gonna give ')).toBeDefined();
    expect(cache.get('scsearch:never gonna give')).toBeUndefined();
    expect(cache.delete('ytsearch:NEVER GONNA GIVE')).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('clear() empties the cache but keeps the counters', () => {
    const cache = new TrackCache();
    cache.set('a', trackResult('a'));
    cache.get('a');
    cache.clear();
    expect(cache.stats()).toMatchObject({ hits: 1, size: 0 });
  });
});

describe('trackCacheKey', () => {
  it.each([
    ['ytsearch:Never Gonna', 'ytsearch:never gonna'],
    ['  YTMSearch:  a\tb  ', 'ytmsearch:a b'],
    ['HTTPS://WWW.YouTube.com/watch?v=dQw4w9WgXcQ', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ'],
    ['https://youtu.be/dQw4w9WgXcQ', 'https://youtu.be/dQw4w9WgXcQ'],
    ['dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
    ['SPREC:seed_tracks=AbC', 'sprec:seed_tracks=AbC'],
    ['http://[bad', 'http://[bad'],
  ])('%j -> %j', (identifier, key) => {
    expect(trackCacheKey(identifier)).toBe(key);
  });
});

describe('resolveTrackCacheOptions', () => {
  it('returns null for false, frozen defaults for undefined, and merges with ??', () => {
    expect(resolveTrackCacheOptions(false)).toBeNull();
    expect(resolveTrackCacheOptions(undefined)).toEqual(DEFAULT_TRACK_CACHE);
    expect(DEFAULT_TRACK_CACHE).toEqual({ capacity: 200, searchTtlMs: 600_000 });
    const resolved = resolveTrackCacheOptions({ capacity: 5, searchTtlMs: undefined });
    expect(resolved).toEqual({ capacity: 5, searchTtlMs: 600_000 });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(resolveTrackCacheOptions({ searchTtlMs: 0 })?.searchTtlMs).toBe(0);
  });

  it.each([
    [{ capacity: 0 }, '`trackCache.capacity`', RangeError],
    [{ capacity: 2.5 }, '`trackCache.capacity`', RangeError],
    [{ searchTtlMs: -1 }, '`trackCache.searchTtlMs`', RangeError],
    [{ searchTtlMs: '1' }, '`trackCache.searchTtlMs`', TypeError],
    [true, '`trackCache`', TypeError],
    [null, '`trackCache`', TypeError],
  ])('rejects %j naming %s', (input, name, kind) => {
    const run = () => resolveTrackCacheOptions(input as never);
    expect(run).toThrow(kind);
    expect(run).toThrow(name);
  });
});
