import { describe, expect, it } from 'vitest';
import { decodeTrackDetailed, readProbeInfo } from '../../../src/protocol/track-codec.js';
import { loadTracks } from '../../../src/testing/catalogue.js';
import { stringify } from '../../../src/testing/json.js';

describe('emulator catalogue', () => {
  it('is deterministic and encodes with the real codec', () => {
    const first = loadTracks('ytsearch:lofi beats');
    expect(loadTracks('ytsearch:lofi beats')).toEqual(first);
    expect(first.loadType).toBe('search');
    if (first.loadType !== 'search') return;
    expect(first.data).toHaveLength(5);
    for (const track of first.data) {
      const decoded = decodeTrackDetailed(track.encoded);
      expect(decoded.version).toBe(3);
      expect({ ...decoded.info }).toEqual(track.info);
      expect(track.info.identifier).toMatch(/^[A-Za-z0-9_-]{11}$/);
      expect(track.info.length).toBeGreaterThanOrEqual(120_000);
      expect(track.info.length).toBeLessThanOrEqual(360_000);
    }
    expect(new Set(first.data.map((track) => track.info.identifier)).size).toBe(5);
  });

  it('maps search prefixes to sources', () => {
    const sc = loadTracks('scsearch:x');
    const ytm = loadTracks('ytmsearch:x');
    const other = loadTracks('spsearch:x');
    expect(sc.loadType === 'search' && sc.data[0]!.info.sourceName).toBe('soundcloud');
    expect(ytm.loadType === 'search' && ytm.data[0]!.info.sourceName).toBe('youtube');
    expect(other.loadType).toBe('search');
    expect(loadTracks('ytsearch:')).toEqual({ loadType: 'empty', data: null });
  });

  it('honours emulator: parameters', () => {
    const track = loadTracks('emulator:track?title=Hi&author=Me&length=1500&id=abc&isrc=US123', {});
    expect(track).toMatchObject({
      loadType: 'track',
      data: {
        info: { title: 'Hi', author: 'Me', length: 1500, identifier: 'abc', isrc: 'US123', isStream: false },
      },
    });
    const playlist = loadTracks('emulator:playlist?count=3&name=Mix&selected=1&length=2000');
    expect(playlist).toMatchObject({
      loadType: 'playlist',
      data: { info: { name: 'Mix', selectedTrack: 1 } },
    });
    expect(playlist.loadType === 'playlist' && playlist.data.tracks.map((t) => t.info.length)).toEqual([
      2000, 2000, 2000,
    ]);
    expect(loadTracks('emulator:search?count=0')).toEqual({ loadType: 'search', data: [] });
    expect(loadTracks('emulator:empty')).toEqual({ loadType: 'empty', data: null });
    expect(loadTracks('emulator:error?severity=suspicious')).toMatchObject({
      loadType: 'error',
      data: { severity: 'suspicious' },
    });
    expect(loadTracks('emulator:nope').loadType).toBe('error');
    expect(loadTracks('anything with __error__').loadType).toBe('error');
  });

  it('uses defaultTrackLengthMs for tracks without a length', () => {
    const result = loadTracks('ytsearch:x', { defaultTrackLengthMs: 4321 });
    expect(result.loadType === 'search' && result.data.every((t) => t.info.length === 4321)).toBe(true);
  });

  it('loads URLs by host', () => {
    expect(loadTracks('https://www.youtube.com/watch?v=dQw4w9WgXcQ')).toMatchObject({
      loadType: 'track',
      data: { info: { identifier: 'dQw4w9WgXcQ', sourceName: 'youtube' } },
    });
    expect(loadTracks('https://soundcloud.com/a/b')).toMatchObject({
      data: { info: { sourceName: 'soundcloud' } },
    });
    const http = loadTracks('https://example.org/music/song.mp3');
    expect(http).toMatchObject({
      data: { info: { sourceName: 'http', title: 'song.mp3', uri: 'https://example.org/music/song.mp3' } },
    });
    if (http.loadType === 'track')
      expect(readProbeInfo(decodeTrackDetailed(http.data.encoded).sourceSpecific)).toBe('mp3');
    const list = loadTracks('https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL9');
    expect(list).toMatchObject({ loadType: 'playlist', data: { info: { selectedTrack: 0 } } });
    expect(list.loadType === 'playlist' && list.data.tracks[0]!.info.identifier).toBe('dQw4w9WgXcQ');
    expect(loadTracks('https://example.org/live.m3u8')).toMatchObject({ data: { info: { isStream: true } } });
    expect(loadTracks('dQw4w9WgXcQ')).toMatchObject({ loadType: 'track' });
    expect(loadTracks('just words')).toEqual({ loadType: 'empty', data: null });
  });

  it('streams carry Long.MAX_VALUE on the wire and in the blob', () => {
    const result = loadTracks('emulator:stream');
    expect(result.loadType).toBe('track');
    if (result.loadType !== 'track') return;
    expect(result.data.info).toMatchObject({
      isStream: true,
      isSeekable: false,
      length: Number.MAX_SAFE_INTEGER,
    });
    expect(stringify(result)).toContain('"length":9223372036854775807');
    const blob = Buffer.from(result.data.encoded, 'base64');
    expect(blob.includes(Buffer.from('7fffffffffffffff', 'hex'))).toBe(true);
  });
});
