/** Events about players, emitted by the Pool: name → payload. */
import type { Node } from '../node/node.js';
import type { TrackEndReason } from '../protocol/messages.js';
import type { PlayerState } from '../protocol/player.js';
import type { LavalinkException, Track } from '../protocol/track.js';
import type { Player } from './player.js';

/** Why a player was destroyed. */
export type DestroyReason =
  /** `player.destroy()`. */
  | 'destroyed'
  /** Idle for `inactivePlayerTimeoutMs`. */
  | 'inactive'
  /** The bot was disconnected from the voice channel (by a moderator, or the channel was deleted). */
  | 'voiceDisconnected'
  /** Discord closed the voice connection with a code that cannot be recovered (see `voiceClosed`). */
  | 'voiceClosed'
  /** `pool.close()`. */
  | 'poolClosed';

/** Why a player moved to another node. */
export type MoveReason = 'manual' | 'failover' | 'drain' | 'sessionLost' | 'restore';

export interface PlayerEvents {
  /** A track started playing. */
  trackStart: { player: Player; track: Track };
  /** A track ended; the queue advances only when `mayStartNext`. */
  trackEnd: { player: Player; track: Track; reason: TrackEndReason; mayStartNext: boolean };
  /** A track threw while playing. */
  trackException: { player: Player; track: Track; exception: LavalinkException };
  /** A track got no audio for `thresholdMs`. */
  trackStuck: { player: Player; track: Track; thresholdMs: number };
  /** The queue ran out after a track ended. */
  queueEnd: { player: Player };
  /** Lavalink reported the player's position. */
  playerUpdate: { player: Player; state: PlayerState };
  /** Discord closed the voice connection of a player (Discord voice close codes: 4006, 4014, 4015, 4017, ...). */
  voiceClosed: { player: Player; code: number; reason: string; byRemote: boolean; action: VoiceCloseAction };
  /** A player was destroyed, with the reason. */
  playerDestroyed: { player: Player; reason: DestroyReason };
  /** A player moved from one node to another and carried on where it was. */
  playerMoved: { player: Player; from: Node; to: Node; reason: MoveReason };
}

/** What lavafleet does about a voice close code; see `VOICE_CLOSE_POLICY`. */
export type VoiceCloseAction = 'reconnect' | 'rejoin' | 'wait' | 'destroy';
