/** Wire shapes for players (protocol reference §2.2, §4.3, §4.5, §5). */
import type { Filters } from './filters.js';
import type { JsonObject, Track } from './track.js';

/** Player state as sent in `playerUpdate` and in the Player object. */
export interface PlayerState {
  /** Server epoch ms when the state was taken. */
  time: number;
  /** Position in ms (`0` when idle). */
  position: number;
  /** Whether the voice gateway socket is open. */
  connected: boolean;
  /** Ping to Discord voice in ms, `-1` when not connected. */
  ping: number;
}

/**
 * Voice connection data for Lavalink. `channelId` is mandatory since Lavalink 4.2 (Discord's DAVE
 * encryption): a 4.2 node answers 400 without it.
 */
export interface VoiceState {
  token: string;
  endpoint: string;
  sessionId: string;
  channelId: string;
}

/** Voice state as the server reports it: values are `""` while unknown. */
export interface VoiceStateResponse {
  token: string;
  endpoint: string;
  sessionId: string;
  channelId?: string | null;
  /** Present on some servers: whether the voice connection is up. */
  connected?: boolean;
  ping?: number;
}

/** A player as returned by the REST API. */
export interface LavalinkPlayer {
  guildId: string;
  track: Track | null;
  volume: number;
  paused: boolean;
  state: PlayerState;
  voice: VoiceStateResponse;
  filters: Filters;
}

/** The `track` field of a player update. */
export interface UpdatePlayerTrack {
  /** Base64 track to play, or `null` to stop. */
  encoded?: string | null;
  /** Resolve-and-play identifier (must resolve to a single track). */
  identifier?: string;
  userData?: JsonObject;
}

/** Body of `PATCH /v4/sessions/{sid}/players/{guildId}`. Absent fields are left unchanged. */
export interface UpdatePlayerRequest {
  track?: UpdatePlayerTrack;
  /** @deprecated use `track.encoded`. */
  encodedTrack?: string | null;
  /** @deprecated use `track.identifier`. */
  identifier?: string;
  position?: number;
  endTime?: number | null;
  volume?: number;
  paused?: boolean;
  filters?: Filters;
  voice?: VoiceState;
}

/** Body of `PATCH /v4/sessions/{sid}`. `timeout` is in seconds, as on the wire. */
export interface SessionUpdateRequest {
  resuming?: boolean;
  timeout?: number;
}

/** Response of `PATCH /v4/sessions/{sid}`. */
export interface SessionInfo {
  resuming: boolean;
  /** Seconds. */
  timeout: number;
}
