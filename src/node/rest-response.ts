/**
 * Turning Lavalink REST responses into typed results or errors: status → error mapping, JSON parsing,
 * and shape checks (protocol/shapes.ts) so a resolved value always has its declared field types. Pure
 * functions, no I/O.
 */
import { STATUS_CODES } from 'node:http';
import { AuthenticationError, ErrorCodes, LavafleetError, LavalinkRestError } from '../errors.js';
import type { NodeInfo, RoutePlannerStatus } from '../protocol/info.js';
import type { LavalinkPlayer, SessionInfo } from '../protocol/player.js';
import {
  asPlayer,
  asTrack,
  asTracks,
  isException,
  isNodeInfo,
  isNumber,
  isRecord,
  isRoutePlannerStatus,
  isSessionInfo,
  isStats,
} from '../protocol/shapes.js';
import type { Stats } from '../protocol/stats.js';
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

/** Reads a track (decodetrack); see {@link asTrack} for what is normalised. */
export function readTrack(response: HttpResponse, context: ResponseContext): Track {
  return asTrack(parseObject(response, context)) ?? notA(response, context, 'a track');
}

/** Reads an array of tracks (decodetracks). */
export function readTracks(response: HttpResponse, context: ResponseContext): Track[] {
  return asTracks(parseArray(response, context)) ?? notA(response, context, 'an array of tracks');
}

/** Checks (and normalises) the data of the known load types; unknown ones pass as they are. */
const LOAD_DATA: Readonly<Record<string, (result: Record<string, unknown>) => boolean>> = {
  track: (result) => asTrack(result.data) !== null,
  search: (result) => asTracks(result.data) !== null,
  playlist: ({ data }) => {
    if (!isRecord(data) || !isRecord(data.info) || asTracks(data.tracks) === null) return false;
    if (!isRecord(data.pluginInfo)) data.pluginInfo = {};
    return typeof data.info.name === 'string' && isNumber(data.info.selectedTrack);
  },
  empty: (result) => {
    // The server sends `null`; older docs (and some servers) say `{}`.
    result.data = null;
    return true;
  },
  error: (result) => isException(result.data),
};

/** Reads a load result: `empty` data normalised to `null`, unknown load types passed through as they are. */
export function readLoadResult(response: HttpResponse, context: ResponseContext): LoadResult {
  const value = parseObject(response, context);
  if (typeof value.loadType !== 'string') throw invalidResponse(response, context, 'JSON without a loadType');
  const check = Object.hasOwn(LOAD_DATA, value.loadType) ? LOAD_DATA[value.loadType] : undefined;
  if (check !== undefined && !check(value)) {
    throw invalidResponse(response, context, `a \`${value.loadType}\` load result whose data is malformed`);
  }
  return value as unknown as LoadResult;
}

/** Reads a player; its current track is normalised like loaded tracks. */
export function readPlayer(response: HttpResponse, context: ResponseContext): LavalinkPlayer {
  return asPlayer(parseObject(response, context)) ?? notA(response, context, 'a player');
}

/** Reads an array of players. */
export function readPlayers(response: HttpResponse, context: ResponseContext): LavalinkPlayer[] {
  const value = parseArray(response, context);
  if (!value.every((player) => asPlayer(player) !== null)) notA(response, context, 'an array of players');
  return value as LavalinkPlayer[];
}

/** Reads the answer of a session update. */
export function readSession(response: HttpResponse, context: ResponseContext): SessionInfo {
  const value = parseObject(response, context);
  return isSessionInfo(value) ? value : notA(response, context, 'session info');
}

/** Reads `/v4/info`. */
export function readInfo(response: HttpResponse, context: ResponseContext): NodeInfo {
  const value = parseObject(response, context);
  return isNodeInfo(value) ? value : notA(response, context, 'node info');
}

/** Reads `/v4/stats`. */
export function readStats(response: HttpResponse, context: ResponseContext): Stats {
  const value = parseObject(response, context);
  return isStats(value) ? value : notA(response, context, 'node stats');
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
  const value = parseObject(response, context);
  return isRoutePlannerStatus(value) ? value : notA(response, context, 'a route planner status');
}

function notA(response: HttpResponse, context: ResponseContext, what: string): never {
  throw invalidResponse(response, context, `JSON that is not ${what}`);
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
