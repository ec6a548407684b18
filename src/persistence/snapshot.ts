/**
 * Reading saved state back. Everything in a store is untrusted: a corrupt entry or an unknown
 * version is rejected here with a typed error, so the rest of the state still restores.
 */
import { ErrorCodes, LavafleetError } from '../errors.js';
import { PLAYER_SNAPSHOT_VERSION } from '../player/player-snapshot.js';
import type { PlayerSnapshot } from '../player/player-snapshot.js';

/**
 * A player as saved: its snapshot plus the Lavalink session it lives in. The session is saved with
 * each player rather than once per node because several bot processes may share a store and a node,
 * each with its own session: a restarted process resumes the session its own players are in.
 */
export interface SavedPlayer extends PlayerSnapshot {
  /** Session of `node` the player was in, or null when unknown (it is then re-created). */
  sessionId: string | null;
  /**
   * A session of another node that may still play a copy of this player: it moved off that node
   * while the node was down. A restarted bot resumes it (when no player is in another session of that
   * node) and deletes the copy.
   */
  formerSession?: { node: string; sessionId: string };
  /**
   * The session of every node of the process that had one when the player was saved (connected, or
   * reconnecting to resume it), node → session.
   * A restarted bot resumes the latest known session of a node none of its saved players is on: a
   * bot killed right after moving players there, before saving them, still finds and cleans it.
   */
  nodeSessions?: Record<string, string>;
}

/** Parses and checks a saved player. Throws a LavafleetError (ERR_STORE) naming the key. */
export function parsePlayerSnapshot(key: string, raw: string): SavedPlayer {
  const value = parseJson(key, raw);
  if (value.v !== PLAYER_SNAPSHOT_VERSION)
    throw bad(key, `unknown snapshot version ${JSON.stringify(value.v)}`);
  const checks: Array<[keyof PlayerSnapshot, string]> = [
    ['guildId', 'string'],
    ['node', 'string'],
    ['position', 'number'],
    ['timestamp', 'number'],
    ['paused', 'boolean'],
    ['volume', 'number'],
    ['selfDeaf', 'boolean'],
    ['selfMute', 'boolean'],
  ];
  for (const [field, type] of checks) {
    if (typeof value[field] !== type) throw bad(key, `\`${field}\` is not a ${type}`);
  }
  if (!/^\d{1,20}$/.test(value.guildId as string)) throw bad(key, '`guildId` is not a snowflake');
  if (!key.endsWith(`/${value.guildId as string}`)) throw bad(key, '`guildId` does not match the key');
  const sessionId = value.sessionId ?? null;
  if (sessionId !== null && typeof sessionId !== 'string') throw bad(key, '`sessionId` is not a string');
  const voice = value.voice as Record<string, unknown> | null;
  if (typeof voice !== 'object' || voice === null) throw bad(key, '`voice` is missing');
  const track = value.track as Record<string, unknown> | null;
  if (
    track !== null &&
    (typeof track !== 'object' || typeof track.encoded !== 'string' || typeof track.info !== 'object')
  ) {
    throw bad(key, '`track` is not a track');
  }
  if (typeof value.queue !== 'object' || value.queue === null) throw bad(key, '`queue` is missing');
  if (typeof value.filters !== 'object' || value.filters === null) throw bad(key, '`filters` is missing');
  const former = value.formerSession as Record<string, unknown> | undefined;
  if (
    former !== undefined &&
    (typeof former !== 'object' ||
      former === null ||
      typeof former.node !== 'string' ||
      typeof former.sessionId !== 'string')
  ) {
    throw bad(key, '`formerSession` is not { node, sessionId }');
  }
  const nodeSessions = value.nodeSessions as Record<string, unknown> | undefined;
  if (
    nodeSessions !== undefined &&
    (typeof nodeSessions !== 'object' ||
      nodeSessions === null ||
      Array.isArray(nodeSessions) ||
      Object.values(nodeSessions).some((id) => typeof id !== 'string'))
  ) {
    throw bad(key, '`nodeSessions` is not { node: sessionId }');
  }
  return { ...(value as unknown as PlayerSnapshot), sessionId };
}

function parseJson(key: string, raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    throw bad(key, 'not JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(key, 'not a JSON object');
  return value as Record<string, unknown>;
}

function bad(key: string, what: string, cause?: unknown): LavafleetError {
  return new LavafleetError(
    ErrorCodes.Store,
    `Saved state '${key}' was skipped: ${what}. The rest restores; the entry is deleted on the next save.`,
    { cause },
  );
}
