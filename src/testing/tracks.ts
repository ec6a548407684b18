/**
 * Tracks as the emulated server holds them: the decoded blob plus the client's `userData`. Like
 * Lavalink, tracks are re-encoded when reported (events, GET player), with the blob upgraded to
 * version 3 and the current position embedded.
 */
import { decodeTrackDetailed, encodeTrack } from '../protocol/track-codec.js';
import type { DecodedTrack } from '../protocol/track-codec.js';
import type { JsonObject, Track } from '../protocol/track.js';

/** A track loaded on a player. */
export interface PlayableTrack {
  readonly decoded: DecodedTrack;
  userData: JsonObject;
}

/** Why a blob cannot be played or decoded: Lavalink answers such requests with 500. */
export class TrackLoadFailure extends Error {
  override name = 'TrackLoadFailure';
}

/** Decodes a client blob, as the server does: the source must be one of its source managers. */
export function decodeForServer(encoded: string, sourceManagers: ReadonlySet<string>): DecodedTrack {
  let decoded: DecodedTrack;
  try {
    decoded = decodeTrackDetailed(encoded);
  } catch (error) {
    throw new TrackLoadFailure(error instanceof Error ? error.message : String(error));
  }
  if (!sourceManagers.has(decoded.info.sourceName)) {
    throw new TrackLoadFailure(`No source manager for source name "${decoded.info.sourceName}"`);
  }
  return decoded;
}

/** The Track JSON of a decoded blob, keeping its `encoded` string (as `/v4/decodetrack` does). */
export function decodedToJson(decoded: DecodedTrack): Track {
  return { encoded: decoded.encoded, info: decoded.info, pluginInfo: {}, userData: {} };
}

/** The Track JSON of a playing track at `position`, re-encoded like Lavalink does. */
export function trackAt(track: PlayableTrack, position: number): Track {
  const { decoded } = track;
  const { identifier, author, length, isStream, title, uri, artworkUrl, isrc, sourceName } = decoded.info;
  // Lavalink's field order, with the current position.
  const info = {
    identifier,
    isSeekable: !isStream,
    author,
    length,
    isStream,
    position,
    title,
    uri,
    artworkUrl,
    isrc,
    sourceName,
  };
  // Unchanged blobs are reported as they came; anything the codec decoded, it can encode again.
  const encoded =
    position === decoded.info.position && decoded.version === 3
      ? decoded.encoded
      : encodeTrack(info, { version: 3, sourceSpecific: decoded.sourceSpecific });
  return { encoded, info, pluginInfo: {}, userData: track.userData };
}
