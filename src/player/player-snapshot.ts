/**
 * A player as plain JSON: everything needed to re-create it on another node (failover) or in another
 * process (bot restart). Versioned: readers reject versions they do not know.
 */
import type { Filters } from '../protocol/filters.js';
import type { JsonObject, Track } from '../protocol/track.js';
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
  if (snapshot.paused) return snapshot.position;
  const position = snapshot.position + Math.max(0, now - snapshot.timestamp) * speed;
  return snapshot.track.info.isStream ? position : Math.min(position, snapshot.track.info.length);
}
