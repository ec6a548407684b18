/**
 * Shape checks of the wire objects that both the WebSocket parser and the REST readers hand to users:
 * every declared field is present with its declared type, and numbers are finite (`1e999` parses to
 * Infinity). Extra fields are allowed, so newer servers and plugins keep working. `reason` and
 * `severity` are checked as strings, not against today's values, so that an event a newer server
 * sends is not dropped. Hand-written typeof chains: this runs for every frame.
 */
import type { NodeInfo, RoutePlannerStatus } from './info.js';
import type { LavalinkPlayer, PlayerState, SessionInfo } from './player.js';
import type { Stats } from './stats.js';
import type { LavalinkException, Track } from './track.js';

type Fields = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number. */
export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function everyItem(value: unknown, check: (item: unknown) => boolean): value is unknown[] {
  return Array.isArray(value) && value.every(check);
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Fills an absent nullable string with `null`, as Lavalink writes it; false when of another type. */
function defaultNull(fields: Fields, key: string): boolean {
  if (fields[key] === undefined) fields[key] = null;
  return isNullableString(fields[key]);
}

/**
 * Checks a Track and normalises it in place: absent `uri`/`artworkUrl`/`isrc` become `null`, missing
 * or non-object `pluginInfo`/`userData` become `{}`, and a stream's `Long.MAX_VALUE` length (which
 * JSON.parse rounds past the safe range) becomes `Number.MAX_SAFE_INTEGER`, as local decoding does.
 */
export function asTrack(value: unknown): Track | null {
  if (!isRecord(value) || typeof value.encoded !== 'string' || !isRecord(value.info)) return null;
  const info = value.info;
  const valid =
    typeof info.identifier === 'string' &&
    typeof info.isSeekable === 'boolean' &&
    typeof info.author === 'string' &&
    isNumber(info.length) &&
    typeof info.isStream === 'boolean' &&
    isNumber(info.position) &&
    typeof info.title === 'string' &&
    typeof info.sourceName === 'string' &&
    defaultNull(info, 'uri') &&
    defaultNull(info, 'artworkUrl') &&
    defaultNull(info, 'isrc');
  if (!valid) return null;
  if ((info.length as number) > Number.MAX_SAFE_INTEGER) info.length = Number.MAX_SAFE_INTEGER;
  if (!isRecord(value.pluginInfo)) value.pluginInfo = {};
  if (!isRecord(value.userData)) value.userData = {};
  return value as unknown as Track;
}

/** Checks an array of tracks, normalising each (see {@link asTrack}). */
export function asTracks(value: unknown): Track[] | null {
  return everyItem(value, (item) => asTrack(item) !== null) ? (value as Track[]) : null;
}

/** Checks an Exception object (load errors, `TrackExceptionEvent`). */
export function isException(value: unknown): value is LavalinkException {
  return (
    isRecord(value) &&
    isNullableString(value.message) &&
    typeof value.severity === 'string' &&
    typeof value.cause === 'string' &&
    isOptionalString(value.causeStackTrace)
  );
}

/** Checks a PlayerState (`playerUpdate`, Player objects). */
export function isPlayerState(value: unknown): value is PlayerState {
  return (
    isRecord(value) &&
    isNumber(value.time) &&
    isNumber(value.position) &&
    typeof value.connected === 'boolean' &&
    isNumber(value.ping)
  );
}

/** Checks node statistics (the `stats` op, or `GET /v4/stats` where `frameStats` is absent). */
export function isStats(value: unknown): value is Stats {
  if (!isRecord(value) || !isRecord(value.memory) || !isRecord(value.cpu)) return false;
  const { memory, cpu, frameStats } = value;
  return (
    isNumber(value.players) &&
    isNumber(value.playingPlayers) &&
    isNumber(value.uptime) &&
    isNumber(memory.free) &&
    isNumber(memory.used) &&
    isNumber(memory.allocated) &&
    isNumber(memory.reservable) &&
    isNumber(cpu.cores) &&
    isNumber(cpu.systemLoad) &&
    isNumber(cpu.lavalinkLoad) &&
    (frameStats === undefined ||
      frameStats === null ||
      (isRecord(frameStats) &&
        isNumber(frameStats.sent) &&
        isNumber(frameStats.nulled) &&
        isNumber(frameStats.deficit)))
  );
}

function isVoiceState(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.token === 'string' &&
    typeof value.endpoint === 'string' &&
    typeof value.sessionId === 'string' &&
    (value.channelId === undefined || isNullableString(value.channelId)) &&
    (value.connected === undefined || typeof value.connected === 'boolean') &&
    (value.ping === undefined || isNumber(value.ping))
  );
}

/** Checks a Player object and normalises its track (an absent `track` becomes `null`). */
export function asPlayer(value: unknown): LavalinkPlayer | null {
  if (!isRecord(value)) return null;
  if (value.track === undefined) value.track = null;
  const valid =
    typeof value.guildId === 'string' &&
    (value.track === null || asTrack(value.track) !== null) &&
    isNumber(value.volume) &&
    typeof value.paused === 'boolean' &&
    isPlayerState(value.state) &&
    isVoiceState(value.voice) &&
    isRecord(value.filters);
  return valid ? (value as unknown as LavalinkPlayer) : null;
}

/** Checks the answer of `PATCH /v4/sessions/{sid}`. */
export function isSessionInfo(value: unknown): value is SessionInfo {
  return isRecord(value) && typeof value.resuming === 'boolean' && isNumber(value.timeout);
}

/** Checks `/v4/info`; an absent `version.preRelease` becomes `null`. */
export function isNodeInfo(value: unknown): value is NodeInfo {
  if (!isRecord(value) || !isRecord(value.version) || !isRecord(value.git)) return false;
  const { version, git } = value;
  return (
    typeof version.semver === 'string' &&
    isNumber(version.major) &&
    isNumber(version.minor) &&
    isNumber(version.patch) &&
    defaultNull(version, 'preRelease') &&
    (version.build === undefined || isNullableString(version.build)) &&
    isNumber(value.buildTime) &&
    typeof git.branch === 'string' &&
    typeof git.commit === 'string' &&
    isNumber(git.commitTime) &&
    typeof value.jvm === 'string' &&
    typeof value.lavaplayer === 'string' &&
    everyItem(value.sourceManagers, isString) &&
    everyItem(value.filters, isString) &&
    everyItem(value.plugins, (p) => isRecord(p) && isString(p.name) && isString(p.version))
  );
}

const PLANNER_INDEXES = ['rotateIndex', 'ipIndex', 'currentAddress', 'currentAddressIndex', 'blockIndex'];

function isFailingAddress(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.failingAddress === 'string' &&
    isNumber(value.failingTimestamp) &&
    typeof value.failingTime === 'string'
  );
}

/** Checks a route planner status (the 200 case of `GET /v4/routeplanner/status`). */
export function isRoutePlannerStatus(value: unknown): value is NonNullable<RoutePlannerStatus> {
  if (!isRecord(value) || typeof value.class !== 'string' || !isRecord(value.details)) return false;
  const { ipBlock, failingAddresses } = value.details;
  return (
    isRecord(ipBlock) &&
    typeof ipBlock.type === 'string' &&
    typeof ipBlock.size === 'string' &&
    everyItem(failingAddresses, isFailingAddress) &&
    PLANNER_INDEXES.every((key) => isOptionalString((value.details as Fields)[key]))
  );
}
