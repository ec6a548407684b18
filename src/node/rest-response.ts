/**
 * Turning Lavalink REST responses into typed results or errors: status → error mapping, JSON parsing
 * with shape checks, and the `Long.MAX_VALUE` stream-length clamp. Pure functions, no I/O.
 */
import { STATUS_CODES } from 'node:http';
import { AuthenticationError, ErrorCodes, LavafleetError, LavalinkRestError } from '../errors.js';
import type { RoutePlannerStatus } from '../protocol/info.js';
import type { LavalinkPlayer } from '../protocol/player.js';
import type { LoadResult, Track } from '../protocol/track.js';
import { shortPath, type HttpResponse } from './http-transport.js';

/** Where a response came from, for error messages. */
export interface ResponseContext {
  method: string;
  path: string;
}

const EXCERPT_LENGTH = 200;

function excerpt(body: string): string {
  return JSON.stringify(body.length > EXCERPT_LENGTH ? `${body.slice(0, EXCERPT_LENGTH)}…` : body);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(value: Record<string, unknown>, key: string): string | null {
  const field = value[key];
  return typeof field === 'string' ? field : null;
}

/** The error for a non-2xx response: AuthenticationError for Lavalink's empty 401/403, else LavalinkRestError. */
export function errorFromResponse(response: HttpResponse, context: ResponseContext): LavafleetError {
  const { status, body } = response;
  const request = `${context.method} ${shortPath(context.path)}`;
  let parsed: unknown = null;
  if (body.length > 0) {
    try {
      parsed = JSON.parse(body);
    } catch {
      // Not Lavalink's JSON error body (a proxy's HTML page, plain text): handled below.
    }
  }
  if ((status === 401 || status === 403) && !isRecord(parsed))
    return new AuthenticationError(status, request);
  const common = { status, method: context.method, path: shortPath(context.path) };
  if (!isRecord(parsed)) {
    const reason = STATUS_CODES[status] ?? null;
    const detail = body.length > 0 ? ` (body: ${excerpt(body)})` : '';
    return new LavalinkRestError({
      ...common,
      reason,
      message: `Lavalink answered ${status} to ${request}: ${reason ?? 'no message'}${detail}`,
    });
  }
  return new LavalinkRestError({
    ...common,
    lavalinkMessage: stringField(parsed, 'message'),
    reason: stringField(parsed, 'error'),
    trace: stringField(parsed, 'trace'),
  });
}

/** ERR_INVALID_RESPONSE for a 2xx body that is not what the route promises. */
export function invalidResponse(
  response: HttpResponse,
  context: ResponseContext,
  problem: string,
  cause?: unknown,
): LavafleetError {
  return new LavafleetError(
    ErrorCodes.InvalidResponse,
    `${context.method} ${shortPath(context.path)} answered ${response.status} with ${problem}: ` +
      `${excerpt(response.body)}. Is the URL pointing at a Lavalink v4 node?`,
    { cause },
  );
}

/** Parses a JSON body; ERR_INVALID_RESPONSE when it is empty or not JSON. */
export function parseJson(response: HttpResponse, context: ResponseContext): unknown {
  try {
    return JSON.parse(response.body);
  } catch (error) {
    throw invalidResponse(response, context, 'a body that is not JSON', error);
  }
}

/** Parses a JSON object body; ERR_INVALID_RESPONSE for anything else. */
export function parseObject(response: HttpResponse, context: ResponseContext): Record<string, unknown> {
  const value = parseJson(response, context);
  if (!isRecord(value)) throw invalidResponse(response, context, 'JSON that is not an object');
  return value;
}

/** Parses a JSON array body; ERR_INVALID_RESPONSE for anything else. */
export function parseArray(response: HttpResponse, context: ResponseContext): unknown[] {
  const value = parseJson(response, context);
  if (!Array.isArray(value)) throw invalidResponse(response, context, 'JSON that is not an array');
  return value;
}

/**
 * Lavalink reports stream lengths as Java's `Long.MAX_VALUE`, which `JSON.parse` turns into
 * 9223372036854776000; clamp it to the largest exact integer, as local decoding does.
 */
function clampTrack(track: unknown): void {
  const info = (track as { info?: { length?: unknown } } | null)?.info;
  if (typeof info?.length === 'number' && info.length > Number.MAX_SAFE_INTEGER) {
    info.length = Number.MAX_SAFE_INTEGER;
  }
}

function clampTracks(tracks: unknown): void {
  if (!Array.isArray(tracks)) return;
  for (const track of tracks) clampTrack(track);
}

/** Reads a track (decodetrack). */
export function readTrack(response: HttpResponse, context: ResponseContext): Track {
  const value = parseObject(response, context);
  if (typeof value.encoded !== 'string' || typeof value.info !== 'object' || value.info === null) {
    throw invalidResponse(response, context, 'JSON that is not a track');
  }
  clampTrack(value);
  return value as unknown as Track;
}

/** Reads an array of tracks (decodetracks). */
export function readTracks(response: HttpResponse, context: ResponseContext): Track[] {
  const value = parseArray(response, context);
  clampTracks(value);
  return value as Track[];
}

/** Reads a load result: `empty` data normalised to `null`, unknown load types passed through as they are. */
export function readLoadResult(response: HttpResponse, context: ResponseContext): LoadResult {
  const value = parseObject(response, context);
  if (typeof value.loadType !== 'string') throw invalidResponse(response, context, 'JSON without a loadType');
  switch (value.loadType) {
    case 'track':
      clampTrack(value.data);
      break;
    case 'search':
      clampTracks(value.data);
      break;
    case 'playlist':
      clampTracks((value.data as { tracks?: unknown } | null)?.tracks);
      break;
    case 'empty':
      // The server sends `null`; older docs (and some servers) say `{}`.
      value.data = null;
      break;
  }
  return value as unknown as LoadResult;
}

/** Reads a player; its current track gets the same length clamp as loaded tracks. */
export function readPlayer(response: HttpResponse, context: ResponseContext): LavalinkPlayer {
  const value = parseObject(response, context);
  if (typeof value.guildId !== 'string')
    throw invalidResponse(response, context, 'JSON that is not a player');
  clampTrack(value.track);
  return value as unknown as LavalinkPlayer;
}

/** Reads an array of players. */
export function readPlayers(response: HttpResponse, context: ResponseContext): LavalinkPlayer[] {
  const value = parseArray(response, context);
  for (const player of value) clampTrack((player as { track?: unknown } | null)?.track);
  return value as LavalinkPlayer[];
}

/** Reads an object whose fields need no further checks here (info, stats, session, route planner). */
export function readObject<T>(response: HttpResponse, context: ResponseContext): T {
  return parseObject(response, context) as T;
}

/** Reads `/version`: trimmed plain text. */
export function readText(response: HttpResponse, context: ResponseContext): string {
  const text = response.body.trim();
  if (text.length === 0) throw invalidResponse(response, context, 'an empty body');
  return text;
}

/** Reads the route planner status: `null` for 204 (no route planner configured). */
export function readRoutePlanner(response: HttpResponse, context: ResponseContext): RoutePlannerStatus {
  if (response.status === 204 || response.body.length === 0) return null;
  return readObject<RoutePlannerStatus>(response, context);
}

/** For routes that answer 204 (or a body nobody needs). */
export function readNothing(): undefined {
  return undefined;
}

/** For plugin routes: `undefined` when empty, parsed JSON when the server says JSON, else the text. */
export function readAny(response: HttpResponse, context: ResponseContext): unknown {
  if (response.body.length === 0) return undefined;
  const type = response.message.headers['content-type'];
  if (type !== undefined && type.includes('json')) return parseJson(response, context);
  return response.body;
}
