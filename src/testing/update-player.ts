/**
 * `PATCH /v4/sessions/{sid}/players/{guildId}` with Lavalink 4.2.2's semantics, in its order
 * (protocol reference §5): checks, create the player, voice, then the fields of the current track,
 * then the new track (or stop).
 */
import type { Filters } from '../protocol/filters.js';
import type { VoiceState } from '../protocol/player.js';
import type { DecodedTrack } from '../protocol/track-codec.js';
import type { JsonObject } from '../protocol/track.js';
import { loadTracks } from './catalogue.js';
import { parseFilters } from './filters.js';
import type { EmulatedPlayer } from './player.js';
import { GENERIC_BAD_REQUEST, RestFailure } from './rest-failure.js';
import { requireGuildId, requireSession } from './rest-players.js';
import type { RestEnv, RestReply, RestRequest } from './rest-types.js';
import type { EmulatedSession } from './session.js';
import { TrackLoadFailure, decodeForServer } from './tracks.js';

type TrackChange =
  | { kind: 'none' }
  | { kind: 'stop' }
  | { kind: 'encoded'; encoded: string }
  | { kind: 'identifier'; identifier: string };

interface PlayerUpdate {
  change: TrackChange;
  userData: JsonObject | undefined;
  position: number | undefined;
  endTime: number | null | undefined;
  volume: number | undefined;
  paused: boolean | undefined;
  filters: Filters | undefined;
  voice: VoiceState | undefined;
}

const VOICE_REQUIRED = 'token, endpoint, sessionId and channelId must be provided in voice state';
const MAX_VOLUME = 1000;

export async function updatePlayer(request: RestRequest, env: RestEnv): Promise<RestReply> {
  const guildId = requireGuildId(request.params[1]!);
  const body = await request.body();
  const session = requireSession(env.node, request.params[0]!);
  const update = parseUpdate(body, env.options.disabledFilters);
  const noReplace = request.query.get('noReplace') === 'true';
  const player = session.getOrCreatePlayer(guildId);
  if (update.voice !== undefined) connectVoice(session, player, update.voice, env.options.voicePingMs);
  const changesTrack = update.change.kind !== 'none';
  if (!changesTrack) applyToCurrentTrack(session, player, update);
  if (update.volume !== undefined) player.volume = Math.min(Math.max(update.volume, 0), MAX_VOLUME);
  if (update.filters !== undefined) {
    player.setFilters(update.filters);
    session.sendPlayerUpdate(player);
    session.armTrackEnd(player);
  }
  if (changesTrack && (!noReplace || player.track === null)) changeTrack(session, player, update, env);
  return { status: 200, json: player.toJson() };
}

function applyToCurrentTrack(session: EmulatedSession, player: EmulatedPlayer, update: PlayerUpdate): void {
  if (update.paused !== undefined) player.setPaused(update.paused);
  if (player.track !== null) {
    if (update.position !== undefined) {
      player.seek(update.position);
      session.sendPlayerUpdate(player);
    }
    // A null endTime only matters for new tracks (4.2.2 behaviour).
    if (update.endTime !== undefined && update.endTime !== null) player.endTime = update.endTime;
    if (update.userData !== undefined) player.track.userData = update.userData;
  }
  session.armTrackEnd(player);
}

function changeTrack(
  session: EmulatedSession,
  player: EmulatedPlayer,
  update: PlayerUpdate,
  env: RestEnv,
): void {
  const { change } = update;
  if (change.kind === 'none') return;
  if (change.kind === 'stop') {
    session.endTrack(player, 'stopped');
    return;
  }
  const decoded =
    change.kind === 'encoded'
      ? decodeEncoded(change.encoded, env)
      : resolveIdentifier(change.identifier, env);
  session.play(
    player,
    { decoded, userData: update.userData ?? {} },
    { position: update.position ?? 0, endTime: update.endTime ?? null, paused: update.paused ?? false },
  );
}

function decodeEncoded(encoded: string, env: RestEnv): DecodedTrack {
  try {
    return decodeForServer(encoded, env.options.sourceManagers);
  } catch (error) {
    if (error instanceof TrackLoadFailure) throw new RestFailure(500, error.message);
    throw error;
  }
}

function resolveIdentifier(identifier: string, env: RestEnv): DecodedTrack {
  const result = loadTracks(identifier, env.options);
  switch (result.loadType) {
    case 'track':
      return decodeEncoded(result.data.encoded, env);
    case 'empty':
      throw new RestFailure(400, 'No matches found for identifier');
    case 'error':
      throw new RestFailure(400, result.data.message ?? 'Failed to load identifier');
    default:
      throw new RestFailure(400, 'Cannot play a playlist or search result');
  }
}

/** Connects at once when the values differ from the current connection or it is closed. */
function connectVoice(
  session: EmulatedSession,
  player: EmulatedPlayer,
  voice: VoiceState,
  pingMs: number,
): void {
  const current = player.voice;
  const same =
    player.connected &&
    current.token === voice.token &&
    current.endpoint === voice.endpoint &&
    current.sessionId === voice.sessionId &&
    current.channelId === voice.channelId;
  if (same) return;
  player.connectVoice(voice, pingMs);
  session.sendPlayerUpdate(player);
}

function parseUpdate(body: unknown, disabledFilters: ReadonlySet<string>): PlayerUpdate {
  if (!isObject(body)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  const track = optional(body, 'track', isObject);
  const encodedTrack = optional(
    body,
    'encodedTrack',
    (v): v is string | null => v === null || typeof v === 'string',
  );
  const legacyIdentifier = optional(body, 'identifier', isString);
  if (track !== undefined && (encodedTrack !== undefined || legacyIdentifier !== undefined)) {
    throw new RestFailure(400, 'Cannot specify both track and encodedTrack/identifier');
  }
  const encoded = track
    ? optional(track, 'encoded', (v): v is string | null => v === null || typeof v === 'string')
    : encodedTrack;
  const identifier = track ? optional(track, 'identifier', isString) : legacyIdentifier;
  if (encoded !== undefined && identifier !== undefined) {
    throw new RestFailure(400, 'Cannot specify both encoded and identifier');
  }
  const filtersRaw = body.filters;
  const voice = optional(body, 'voice', isObject);
  const endTime = optional(body, 'endTime', (v): v is number | null => v === null || Number.isInteger(v));
  if (typeof endTime === 'number' && endTime <= 0)
    throw new RestFailure(400, 'End time must be greater than 0');
  return {
    change:
      encoded === null
        ? { kind: 'stop' }
        : encoded !== undefined
          ? { kind: 'encoded', encoded }
          : identifier !== undefined
            ? { kind: 'identifier', identifier }
            : { kind: 'none' },
    userData: track ? optional(track, 'userData', isObject) : undefined,
    position: optional(body, 'position', (v): v is number => Number.isInteger(v)),
    endTime,
    volume: optional(body, 'volume', (v): v is number => Number.isInteger(v)),
    paused: optional(body, 'paused', (v): v is boolean => typeof v === 'boolean'),
    filters: filtersRaw === undefined ? undefined : parseFilters(filtersRaw, disabledFilters),
    voice: voice === undefined ? undefined : parseVoice(voice),
  };
}

function parseVoice(voice: Record<string, unknown>): VoiceState {
  const { token, endpoint, sessionId, channelId } = voice;
  // Non-null fields and the required-but-nullable channelId fail the JSON model itself.
  if (!isString(token) || !isString(endpoint) || !isString(sessionId) || !('channelId' in voice)) {
    throw new RestFailure(400, GENERIC_BAD_REQUEST);
  }
  if (channelId !== null && !isString(channelId)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  const blank = (text: string | null): boolean => text === null || text.trim() === '';
  if (blank(token) || blank(endpoint) || blank(sessionId) || blank(channelId))
    throw new RestFailure(400, VOICE_REQUIRED);
  return { token, endpoint, sessionId, channelId: channelId! };
}

/** The value of `key` if present and valid, undefined if absent; a 400 for a wrong type. */
function optional<T>(
  object: Record<string, unknown>,
  key: string,
  valid: (value: unknown) => value is T,
): T | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (!valid(value)) throw new RestFailure(400, GENERIC_BAD_REQUEST);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
