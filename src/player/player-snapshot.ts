/**
 * A player as plain JSON: everything needed to re-create it on another node (failover) or in another
 * process (bot restart). Versioned: readers reject versions they do not know.
 */
import type { Filters } from '../protocol/filters.js';
import type { JsonObject, Track, TrackInfo } from '../protocol/track.js';
import type { QueueSnapshot } from './queue.js';
import type { VoiceSnapshot } from './voice-state.js';

export const PLAYER_SNAPSHOT_VERSION = 1;

export interface PlayerSnapshot {
  /** Format version ({@link PLAYER_SNAPSHOT_VERSION}). */
  v: number;
  guildId: string;
  /** Identifier of the node the player was on. */
  node: string;
  shardId: number | null;
  selfDeaf: boolean;
  selfMute: boolean;
  voice: VoiceSnapshot;
  /** Optional text channel the bot reports to; lavafleet only carries it. */
  textChannelId: string | null;
  track: Track | null;
  /** Position in ms at `timestamp`. */
  position: number;
  /** Epoch ms when `position` was true. */
  timestamp: number;
  paused: boolean;
  volume: number;
  filters: Filters;
  endTime: number | null;
  queue: QueueSnapshot;
  /** The bot's own data on the player. */
  data: JsonObject;
}

/** Where a paused or playing track is after `elapsedMs`, given the playback speed. */
export function estimatePosition(
  snapshot: Pick<PlayerSnapshot, 'track' | 'position' | 'timestamp' | 'paused'>,
  now: number,
  speed = 1,
): number {
  if (!snapshot.track) return 0;
  const position = unclampedPosition(snapshot, now, speed);
  return snapshot.track.info.isStream ? position : Math.min(position, snapshot.track.info.length);
}

/**
 * How long ago, in track time, the track reached its end (`endTime`, else its length) by `now`; null
 * while it has not, and for streams, paused players and no track.
 */
export function estimateOverrun(
  snapshot: Pick<PlayerSnapshot, 'track' | 'position' | 'timestamp' | 'paused' | 'endTime'>,
  now: number,
  speed = 1,
): number | null {
  const { track, endTime, paused } = snapshot;
  if (!track || track.info.isStream || paused) return null;
  // Snapshots are read back from a store: an `endTime` that is not a number means none.
  const end = typeof endTime === 'number' ? Math.min(endTime, track.info.length) : track.info.length;
  const overrun = unclampedPosition(snapshot, now, speed) - end;
  return overrun >= 0 ? overrun : null;
}

function unclampedPosition(
  snapshot: Pick<PlayerSnapshot, 'position' | 'timestamp' | 'paused'>,
  now: number,
  speed: number,
): number {
  if (snapshot.paused) return snapshot.position;
  return snapshot.position + Math.max(0, now - snapshot.timestamp) * speed;
}

/** Maps a track to the one object kept for all tracks equal to it (see {@link createTrackInterner}). */
export type TrackInterner = (track: Track) => Track;

/**
 * A per-restore table that makes equal tracks one object: parsed snapshots hold a copy of every track
 * of every queue, while many guilds queue the same tracks. Tracks are equal when their blob, `info`,
 * `pluginInfo` and `userData` are. Tracks that differ only in `pluginInfo` or `userData` stay distinct
 * objects (a queue tells tracks apart by reference) but share the blob string and `info`. The first
 * track seen is kept as is, and no track is changed: tracks are already shared by reference as loaded
 * (the track cache returns the same objects to every guild), so nothing may mutate a track in place.
 */
export function createTrackInterner(): TrackInterner {
  const groups = new Map<string, TrackGroup[]>();
  return (track) => {
    let list = groups.get(track.encoded);
    if (!list) groups.set(track.encoded, (list = []));
    let group = list.find((candidate) => sameInfo(candidate.info, track.info));
    if (!group) list.push((group = { encoded: track.encoded, info: track.info, tracks: new Map() }));
    const key = `${jsonKey(track.pluginInfo)}\u0000${jsonKey(track.userData)}`;
    const same = group.tracks.get(key);
    if (same) return same;
    const kept = group.info === track.info ? track : { ...track, encoded: group.encoded, info: group.info };
    group.tracks.set(key, kept);
    return kept;
  };
}

/** Tracks of one blob with equal `info`, by their `pluginInfo` and `userData`. */
interface TrackGroup {
  encoded: string;
  info: TrackInfo;
  tracks: Map<string, Track>;
}

/** Whether two decoded infos are equal: the same keys with the same (primitive) values. */
function sameInfo(a: TrackInfo, b: TrackInfo): boolean {
  const keys = Object.keys(a) as Array<keyof TrackInfo>;
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** A key for a JSON object: `{}` (most tracks' `userData` and `pluginInfo`) without stringifying. */
function jsonKey(value: JsonObject): string {
  for (const _ in value) return JSON.stringify(value);
  return '{}';
}
