/** Wire shapes for tracks (protocol reference §4.1, §4.2). */

/** A JSON object of arbitrary plugin or user data. */
export type JsonObject = { [key: string]: unknown };

/** The fields of a track as Lavalink reports them. */
export interface TrackInfo {
  /** Source-specific id (YouTube video id, URL for http, ...). */
  identifier: string;
  /** Computed by the server (normally `!isStream`); not stored in the encoded blob. */
  isSeekable: boolean;
  author: string;
  /**
   * Length in ms. Streams use Java's `Long.MAX_VALUE`, which exceeds `Number.MAX_SAFE_INTEGER`;
   * lavafleet maps it to `Number.MAX_SAFE_INTEGER` when decoding locally.
   */
  length: number;
  isStream: boolean;
  /** Position in ms: current position for player tracks, stored position for decoded blobs. */
  position: number;
  title: string;
  uri: string | null;
  artworkUrl: string | null;
  isrc: string | null;
  sourceName: string;
}

/** A playable track: the base64 blob plus its decoded fields. */
export interface Track {
  encoded: string;
  info: TrackInfo;
  /** Fields merged in by server plugins (`{}` when none). */
  pluginInfo: JsonObject;
  /** What the client attached when playing (`{}` when none). */
  userData: JsonObject;
}

/** Exception object carried by load errors and `TrackExceptionEvent` (§4.4). */
export interface LavalinkException {
  message: string | null;
  severity: ExceptionSeverity;
  cause: string;
  /** Added in Lavalink 4.1.0; absent on older servers. */
  causeStackTrace?: string;
}

export type ExceptionSeverity = 'common' | 'suspicious' | 'fault';

/** Playlist metadata of a `playlist` load result. */
export interface PlaylistInfo {
  name: string;
  /** Index of the selected track, `-1` when none. */
  selectedTrack: number;
}

export interface PlaylistData {
  info: PlaylistInfo;
  pluginInfo: JsonObject;
  tracks: Track[];
}

/** Result of `GET /v4/loadtracks` (§3.1). Unknown load types (NodeLink, plugins) pass through untyped. */
export type LoadResult =
  | { loadType: 'track'; data: Track }
  | { loadType: 'playlist'; data: PlaylistData }
  | { loadType: 'search'; data: Track[] }
  | { loadType: 'empty'; data: null }
  | { loadType: 'error'; data: LavalinkException };

/** The known Lavalink load types. */
export type LoadType = LoadResult['loadType'];
