/** Turning user queries into Lavalink identifiers, and load results into one playable track. */
import { ErrorCodes, LavafleetError } from '../errors.js';
import type { LoadResult, Track } from '../protocol/track.js';

/** Search prefixes for common source names. Anything else is used as `<source>:` verbatim. */
const SOURCE_PREFIXES: Readonly<Record<string, string>> = Object.freeze({
  youtube: 'ytsearch',
  youtubemusic: 'ytmsearch',
  soundcloud: 'scsearch',
  spotify: 'spsearch',
  deezer: 'dzsearch',
  applemusic: 'amsearch',
});

/**
 * What counts as a source prefix: Lavalink's and plugins' prefixes end in `search`, `rec`, `isrc` or
 * `prev` (`ytsearch:`, `sprec:`, `dzisrc:`, `amprev:`), plus a few others. Anything else before a
 * colon is part of the query: "re:zero opening" is searched, not sent as a prefix.
 */
const PREFIX = /^(?:[a-z]+(?:search|rec|isrc|prev)|ftts|local|emulator):/i;

/**
 * The identifier to load: URLs and queries that already have a source prefix pass through; anything
 * else is searched on `source` (`ytsearch`, or a source name such as `soundcloud`).
 */
export function toSearchIdentifier(query: string, source: string): string {
  const trimmed = query.trim();
  if (/^https?:\/\//i.test(trimmed) || PREFIX.test(trimmed)) return trimmed;
  const prefix = SOURCE_PREFIXES[source.toLowerCase()] ?? source;
  return `${prefix}:${trimmed}`;
}

/** The one track a load result stands for: the track, the first search hit, or the playlist's selected track. */
export function loadResultToTrack(result: LoadResult, query: string): Track {
  switch (result.loadType) {
    case 'track':
      return result.data;
    case 'search':
      if (result.data[0]) return result.data[0];
      break;
    case 'playlist': {
      const { tracks, info } = result.data;
      const track = tracks[info.selectedTrack] ?? tracks[0];
      if (track) return track;
      break;
    }
    case 'error':
      throw new LavafleetError(
        ErrorCodes.LoadFailed,
        `Loading '${query}' failed: ${result.data.message ?? result.data.cause}`,
      );
    default:
      break;
  }
  throw new LavafleetError(ErrorCodes.LoadFailed, `Nothing playable was found for '${query}'`);
}

/** Source managers a prefix needs (Lavalink's names, as in `/v4/info` `sourceManagers`). */
const PREFIX_SOURCES: Readonly<Record<string, string>> = Object.freeze({
  ytsearch: 'youtube',
  ytmsearch: 'youtube',
  scsearch: 'soundcloud',
  spsearch: 'spotify',
  sprec: 'spotify',
  amsearch: 'applemusic',
  dzsearch: 'deezer',
  dzisrc: 'deezer',
  dzrec: 'deezer',
  ymsearch: 'yandexmusic',
  vksearch: 'vkmusic',
  tdsearch: 'tidal',
  qbsearch: 'qobuz',
  jssearch: 'jiosaavn',
});

/** URL hosts and the source manager that loads them; any other URL needs `http`. */
const HOST_SOURCES: ReadonlyArray<[RegExp, string]> = [
  [/(^|\.)(youtube\.com|youtu\.be)$/i, 'youtube'],
  [/(^|\.)soundcloud\.com$/i, 'soundcloud'],
  [/(^|\.)bandcamp\.com$/i, 'bandcamp'],
  [/(^|\.)twitch\.tv$/i, 'twitch'],
  [/(^|\.)vimeo\.com$/i, 'vimeo'],
  [/(^|\.)spotify\.com$/i, 'spotify'],
  [/(^|\.)deezer\.com$/i, 'deezer'],
  [/(^|\.)music\.apple\.com$/i, 'applemusic'],
];

/**
 * The source manager an identifier needs, or null when it cannot be told (an unknown plugin
 * prefix): then any node may try.
 */
export function requiredSource(identifier: string): string | null {
  if (/^https?:\/\//i.test(identifier)) {
    let host: string;
    try {
      host = new URL(identifier).hostname;
    } catch {
      return null;
    }
    return HOST_SOURCES.find(([pattern]) => pattern.test(host))?.[1] ?? 'http';
  }
  const prefix = /^([a-z]+):/i.exec(identifier)?.[1]?.toLowerCase();
  return prefix === undefined ? null : (PREFIX_SOURCES[prefix] ?? null);
}
