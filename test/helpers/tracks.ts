import type { Track } from '../../src/protocol/track.js';

/** A plain Track for unit tests that never reach Lavalink (the blob is not a real encoding). */
export function fakeTrack(title: string): Track {
  return {
    encoded: `blob-${title}`,
    info: {
      identifier: title,
      isSeekable: true,
      author: 'someone',
      length: 180_000,
      isStream: false,
      position: 0,
      title,
      uri: null,
      artworkUrl: null,
      isrc: null,
      sourceName: 'http',
    },
    pluginInfo: {},
    userData: {},
  };
}
