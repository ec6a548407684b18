import { fakeTrack } from '../../helpers/tracks.js';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, LavafleetError } from '../../../src/errors.js';
import { loadResultToTrack, toSearchIdentifier } from '../../../src/pool/load.js';
import type { LoadResult, Track } from '../../../src/protocol/track.js';

const [a, b, c] = ['a', 'b', 'c'].map(fakeTrack) as [Track, Track, Track];

function playlist(tracks: Track[], selectedTrack: number): LoadResult {
  return { loadType: 'playlist', data: { info: { name: 'list', selectedTrack }, pluginInfo: {}, tracks } };
}

describe('toSearchIdentifier', () => {
  it('searches plain words on the given source', () => {
    expect(toSearchIdentifier('never gonna give you up', 'ytsearch')).toBe(
      'ytsearch:never gonna give you up',
    );
    expect(toSearchIdentifier('  padded  ', 'ytsearch')).toBe('ytsearch:padded');
  });

  it('maps source names to their search prefix, case-insensitively', () => {
    expect(toSearchIdentifier('q', 'youtube')).toBe('ytsearch:q');
    expect(toSearchIdentifier('q', 'YouTubeMusic')).toBe('ytmsearch:q');
    expect(toSearchIdentifier('q', 'soundcloud')).toBe('scsearch:q');
    expect(toSearchIdentifier('q', 'spotify')).toBe('spsearch:q');
    expect(toSearchIdentifier('q', 'deezer')).toBe('dzsearch:q');
    expect(toSearchIdentifier('q', 'applemusic')).toBe('amsearch:q');
  });

  it('uses any other source verbatim as the prefix', () => {
    expect(toSearchIdentifier('q', 'bcsearch')).toBe('bcsearch:q');
  });

  it('passes URLs and prefixed queries through', () => {
    expect(toSearchIdentifier('https://youtu.be/dQw4w9WgXcQ', 'ytsearch')).toBe(
      'https://youtu.be/dQw4w9WgXcQ',
    );
    expect(toSearchIdentifier(' HTTP://example.com/a.mp3 ', 'ytsearch')).toBe('HTTP://example.com/a.mp3');
    expect(toSearchIdentifier('scsearch:lofi', 'ytsearch')).toBe('scsearch:lofi');
    expect(toSearchIdentifier('sprec:seed_tracks=1', 'ytsearch')).toBe('sprec:seed_tracks=1');
    expect(toSearchIdentifier('vksearch:x', 'ytsearch')).toBe('vksearch:x');
    expect(toSearchIdentifier('dzisrc:USIR19600978', 'ytsearch')).toBe('dzisrc:USIR19600978');
    expect(toSearchIdentifier('ftts://hello', 'ytsearch')).toBe('ftts://hello');
  });

  it('does not take a time or a sentence for a prefix', () => {
    expect(toSearchIdentifier('10:35 tiesto', 'ytsearch')).toBe('ytsearch:10:35 tiesto');
    expect(toSearchIdentifier('Artist - Song: live', 'ytsearch')).toBe('ytsearch:Artist - Song: live');
    expect(toSearchIdentifier('re:zero opening', 'ytsearch')).toBe('ytsearch:re:zero opening');
    expect(toSearchIdentifier('artist:song', 'scsearch')).toBe('scsearch:artist:song');
  });
});

describe('loadResultToTrack', () => {
  it('a track result is its track', () => {
    expect(loadResultToTrack({ loadType: 'track', data: a }, 'q')).toBe(a);
  });

  it('a search result is its first hit', () => {
    expect(loadResultToTrack({ loadType: 'search', data: [b, c] }, 'q')).toBe(b);
  });

  it('a playlist is its selected track, or its first when none is selected', () => {
    expect(loadResultToTrack(playlist([a, b, c], 2), 'q')).toBe(c);
    expect(loadResultToTrack(playlist([a, b, c], -1), 'q')).toBe(a);
    expect(loadResultToTrack(playlist([a, b], 7), 'q')).toBe(a);
  });

  it.each<[string, LoadResult]>([
    ['empty', { loadType: 'empty', data: null }],
    ['an empty search', { loadType: 'search', data: [] }],
    ['an empty playlist', playlist([], -1)],
  ])('%s throws ERR_LOAD_FAILED naming the query', (_, result) => {
    const error = catchError(() => loadResultToTrack(result, 'my query'));
    expect(error).toBeInstanceOf(LavafleetError);
    expect(error.code).toBe(ErrorCodes.LoadFailed);
    expect(error.message).toContain("'my query'");
  });

  it("an error throws ERR_LOAD_FAILED with Lavalink's message", () => {
    const result: LoadResult = {
      loadType: 'error',
      data: { message: 'This video is unavailable', severity: 'common', cause: 'FriendlyException' },
    };
    const error = catchError(() => loadResultToTrack(result, 'q'));
    expect(error.code).toBe(ErrorCodes.LoadFailed);
    expect(error.message).toContain('This video is unavailable');
  });

  it('an error without a message falls back to the cause', () => {
    const result: LoadResult = {
      loadType: 'error',
      data: { message: null, severity: 'fault', cause: 'java.io.IOException' },
    };
    expect(catchError(() => loadResultToTrack(result, 'q')).message).toContain('java.io.IOException');
  });

  it('an unknown load type (a plugin) throws ERR_LOAD_FAILED', () => {
    const result = { loadType: 'lyrics', data: {} } as unknown as LoadResult;
    expect(catchError(() => loadResultToTrack(result, 'q')).code).toBe(ErrorCodes.LoadFailed);
  });
});

function catchError(fn: () => unknown): LavafleetError {
  try {
    fn();
  } catch (error) {
    return error as LavafleetError;
  }
  throw new Error('expected a throw');
}
