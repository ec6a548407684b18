/**
 * The emulator's deterministic track catalogue, behind `GET /v4/loadtracks` and `track.identifier`
 * in player updates. Nothing is fetched: every result is derived from the identifier alone, so the
 * same identifier always yields the same tracks (same titles, ids, lengths and encoded blobs, made
 * with the real lavaplayer codec).
 *
 * Identifiers, checked in this order:
 *
 * | Identifier | Result |
 * | --- | --- |
 * | anything containing `__error__` | `error` (severity `common`) |
 * | anything containing `__empty__`, e.g. `ytsearch:__empty__` | `empty`, `data: null` |
 * | `emulator:track?title=&author=&length=&id=&isrc=&source=&stream=true` | `track`; every parameter optional, `source` is `youtube` (default), `soundcloud` or `http` |
 * | `emulator:stream?title=` | `track` that is a stream (`length` 9223372036854775807, not seekable) |
 * | `emulator:playlist?count=5&name=&selected=-1&length=` | `playlist` of `count` tracks (max 100) |
 * | `emulator:search?query=&count=5&length=` | `search` with `count` tracks (0 allowed: empty list) |
 * | `emulator:empty` / `emulator:error?message=&severity=` | `empty` / `error` |
 * | `ytsearch:Q`, `ytmsearch:Q` (youtube), `scsearch:Q` (soundcloud), any other `xxsearch:Q` (youtube) | `search`, 5 tracks; empty `Q` gives `empty` |
 * | `http(s)://…` containing `playlist`, `list=` or `/sets/` | `playlist`, 5 tracks; with `v=`, that video is selected (index 0) |
 * | other `http(s)://…` URL | `track`: youtube.com/youtu.be → youtube, soundcloud.com → soundcloud, else http (probe `mp3`) |
 * | an 11-character YouTube id (`[A-Za-z0-9_-]{11}`) | `track` (youtube) |
 * | anything else | `empty` |
 *
 * URLs also honour `length=` and `stream=true` query parameters, and paths ending in `.m3u8` are
 * streams. Track lengths: `length=` if given, else the `defaultTrackLengthMs` option, else 2–6 minutes
 * derived from the identifier.
 */
import { encodeTrack, writeProbeInfo } from '../protocol/track-codec.js';
import type { ExceptionSeverity, LavalinkException, LoadResult, Track } from '../protocol/track.js';

/** What the catalogue needs from the emulator options. */
export interface CatalogueOptions {
  defaultTrackLengthMs?: number | undefined;
}

type Source = 'youtube' | 'soundcloud' | 'http';

interface TrackSpec {
  seed: string;
  source: Source;
  title: string;
  author: string;
  length: number | undefined;
  isStream: boolean;
  identifier?: string | undefined;
  uri?: string | undefined;
  isrc?: string | null | undefined;
}

const RESULT_COUNT = 5;
const MAX_COUNT = 100;
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const SEARCH_PREFIX = /^([a-z0-9]+)search:(.*)$/is;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Resolves an identifier to a load result; never throws. */
export function loadTracks(identifier: string, options: CatalogueOptions = {}): LoadResult {
  if (identifier.includes('__error__'))
    return loadError(`Emulated load failure for "${identifier}"`, 'common');
  if (identifier.includes('__empty__')) return { loadType: 'empty', data: null };
  if (identifier.startsWith('emulator:')) return loadEmulatorIdentifier(identifier, options);
  const search = SEARCH_PREFIX.exec(identifier);
  if (search) {
    const prefix = search[1]!.toLowerCase();
    const query = search[2]!.trim();
    if (query === '') return { loadType: 'empty', data: null };
    return searchResult(prefix === 'sc' ? 'soundcloud' : 'youtube', query, RESULT_COUNT, undefined, options);
  }
  if (/^https?:\/\//i.test(identifier)) return loadUrl(identifier, options);
  if (YOUTUBE_ID.test(identifier)) {
    const spec = {
      seed: identifier,
      source: 'youtube' as const,
      identifier,
      length: undefined,
      isStream: false,
    };
    return { loadType: 'track', data: buildTrack({ ...spec, ...names(identifier, 'Video') }, options) };
  }
  return { loadType: 'empty', data: null };
}

/** The Exception object of an `error` load result or a `TrackExceptionEvent`. */
export function emulatedException(message: string, severity: ExceptionSeverity = 'fault'): LavalinkException {
  const cause = `com.sedmelluq.discord.lavaplayer.tools.FriendlyException: ${message}`;
  return {
    message,
    severity,
    cause,
    causeStackTrace: `${cause}\n\tat lavafleet.testing.Emulator(emulator)\n`,
  };
}

function loadError(message: string, severity: ExceptionSeverity): LoadResult {
  return { loadType: 'error', data: emulatedException(message, severity) };
}

function loadEmulatorIdentifier(identifier: string, options: CatalogueOptions): LoadResult {
  const url = new URL(identifier);
  const params = url.searchParams;
  const length = lengthParam(params);
  switch (url.pathname) {
    case 'track':
    case 'stream':
      return {
        loadType: 'track',
        data: buildTrack(emulatorTrackSpec(identifier, params, url.pathname), options),
      };
    case 'playlist': {
      const spec = { ...names(identifier, params.get('name') ?? 'Emulated playlist'), length };
      const selected = Number(params.get('selected') ?? -1);
      return playlist(
        params.get('name') ?? 'Emulated playlist',
        'youtube',
        spec,
        countParam(params),
        selected,
        options,
      );
    }
    case 'search':
      return searchResult('youtube', params.get('query') ?? 'emulated', countParam(params), length, options);
    case 'empty':
      return { loadType: 'empty', data: null };
    case 'error': {
      const severity = params.get('severity');
      const known = severity === 'common' || severity === 'suspicious' || severity === 'fault';
      return loadError(params.get('message') ?? 'Emulated load failure', known ? severity : 'common');
    }
    default:
      return loadError(
        `Unknown emulator identifier "${identifier}" (see the catalogue's documentation)`,
        'fault',
      );
  }
}

function emulatorTrackSpec(identifier: string, params: URLSearchParams, kind: string): TrackSpec {
  const source = params.get('source');
  const isStream = kind === 'stream' || params.get('stream') === 'true';
  return {
    seed: identifier,
    source: source === 'soundcloud' || source === 'http' ? source : 'youtube',
    title: params.get('title') ?? `Emulated ${isStream ? 'stream' : 'track'} ${hash(identifier) % 10_000}`,
    author: params.get('author') ?? 'lavafleet emulator',
    length: lengthParam(params),
    isStream,
    identifier: params.get('id') ?? undefined,
    uri: source === 'http' ? identifier : undefined,
    isrc: params.get('isrc'),
  };
}

function loadUrl(identifier: string, options: CatalogueOptions): LoadResult {
  let url: URL;
  try {
    url = new URL(identifier);
  } catch {
    return { loadType: 'empty', data: null };
  }
  const host = url.hostname.replace(/^(www\.|m\.|music\.)/, '');
  const source: Source =
    host === 'youtube.com' || host === 'youtu.be'
      ? 'youtube'
      : host === 'soundcloud.com'
        ? 'soundcloud'
        : 'http';
  const length = lengthParam(url.searchParams);
  const isStream = url.searchParams.get('stream') === 'true' || url.pathname.endsWith('.m3u8');
  if (/playlist|[?&]list=|\/sets\//i.test(identifier)) {
    const video = source === 'youtube' ? url.searchParams.get('v') : null;
    const spec = { ...names(identifier, 'Track'), length, identifier: video ?? undefined };
    return playlist(
      `Playlist ${hash(identifier) % 10_000}`,
      source,
      spec,
      RESULT_COUNT,
      video ? 0 : -1,
      options,
    );
  }
  const lastSegment = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? host);
  const id =
    source === 'youtube'
      ? (url.searchParams.get('v') ?? (host === 'youtu.be' ? lastSegment : undefined))
      : undefined;
  const spec: TrackSpec = {
    seed: identifier,
    source,
    length,
    isStream,
    identifier: source === 'http' ? identifier : id,
    uri: source === 'youtube' ? undefined : identifier,
    ...(source === 'http' ? { title: lastSegment, author: 'Unknown artist' } : names(identifier, 'Track')),
  };
  return { loadType: 'track', data: buildTrack(spec, options) };
}

function searchResult(
  source: Source,
  query: string,
  count: number,
  length: number | undefined,
  options: CatalogueOptions,
): LoadResult {
  const tracks: Track[] = [];
  for (let i = 0; i < count; i++) {
    const seed = `${source}:${query}#${i}`;
    const author = `Artist ${(hash(seed) % 90) + 10}`;
    tracks.push(
      buildTrack(
        { seed, source, title: `${query} (result ${i + 1})`, author, length, isStream: false },
        options,
      ),
    );
  }
  return { loadType: 'search', data: tracks };
}

function playlist(
  name: string,
  source: Source,
  first: Omit<TrackSpec, 'seed' | 'source' | 'isStream'>,
  count: number,
  selectedTrack: number,
  options: CatalogueOptions,
): LoadResult {
  const tracks: Track[] = [];
  for (let i = 0; i < count; i++) {
    const seed = `${name}:${source}#${i}`;
    const title = `${name} – track ${i + 1}`;
    const identifier = i === 0 ? first.identifier : undefined;
    tracks.push(buildTrack({ ...first, seed, source, title, identifier, isStream: false }, options));
  }
  const selected = Number.isInteger(selectedTrack) && selectedTrack < count ? selectedTrack : -1;
  return { loadType: 'playlist', data: { info: { name, selectedTrack: selected }, pluginInfo: {}, tracks } };
}

function buildTrack(spec: TrackSpec, options: CatalogueOptions): Track {
  const h = hash(spec.seed);
  const length = spec.isStream
    ? Number.MAX_SAFE_INTEGER
    : (spec.length ?? options.defaultTrackLengthMs ?? (120 + (h % 241)) * 1000);
  let identifier = spec.identifier;
  let uri = spec.uri ?? null;
  let artworkUrl: string | null = null;
  let sourceSpecific: Uint8Array | undefined;
  if (spec.source === 'youtube') {
    identifier ??= youtubeId(spec.seed);
    uri ??= `https://www.youtube.com/watch?v=${identifier}`;
    artworkUrl = `https://i.ytimg.com/vi/${identifier}/hqdefault.jpg`;
  } else if (spec.source === 'soundcloud') {
    identifier ??= `O:https://api-v2.soundcloud.com/media/soundcloud:tracks:${h}/stream/progressive`;
    uri ??= `https://soundcloud.com/${slug(spec.author)}/${slug(spec.title)}`;
  } else {
    identifier ??= `https://example.com/emulator/${h}.mp3`;
    uri ??= identifier;
    sourceSpecific = writeProbeInfo(uri.endsWith('.m3u8') ? 'm3u' : 'mp3');
  }
  const info = {
    identifier,
    isSeekable: !spec.isStream,
    author: spec.author,
    length,
    isStream: spec.isStream,
    position: 0,
    title: spec.title,
    uri,
    artworkUrl,
    isrc: spec.isrc ?? null,
    sourceName: spec.source,
  };
  return { encoded: encodeTrack(info, { sourceSpecific }), info, pluginInfo: {}, userData: {} };
}

function names(seed: string, kind: string): { title: string; author: string } {
  const h = hash(seed);
  return { title: `Emulated ${kind} ${h % 10_000}`, author: `Artist ${(h % 90) + 10}` };
}

function lengthParam(params: URLSearchParams): number | undefined {
  const value = Number(params.get('length') ?? Number.NaN);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function countParam(params: URLSearchParams): number {
  const value = Number(params.get('count') ?? RESULT_COUNT);
  return Number.isInteger(value) && value >= 0 ? Math.min(value, MAX_COUNT) : RESULT_COUNT;
}

function youtubeId(seed: string): string {
  let id = '';
  for (let round = 0; id.length < 11; round++) {
    let h = hash(`${seed}/${round}`);
    for (let i = 0; i < 5 && id.length < 11; i++, h >>>= 6) id += ID_ALPHABET[h & 63]!;
  }
  return id;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'track'
  );
}

/** FNV-1a, 32 bits: small, fast and stable across runs. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
