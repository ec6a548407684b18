/**
 * Events a test can make the emulated server emit for a player, in the order a real Lavalink sends
 * them (protocol reference §2.4).
 */
import type { TrackEndReason } from '../protocol/messages.js';
import type { ExceptionSeverity } from '../protocol/track.js';
import { emulatedException } from './catalogue.js';
import type { EmulatedPlayer } from './player.js';
import type { EmulatedSession } from './session.js';
import { trackAt } from './tracks.js';

/** Options of `trackException`. */
export interface TrackExceptionOptions {
  /** @defaultValue 'Something broke while playing the track' */
  message?: string;
  /** @defaultValue 'fault' */
  severity?: ExceptionSeverity;
  /** Reason of the TrackEndEvent that follows. @defaultValue 'finished' */
  endReason?: Extract<TrackEndReason, 'finished' | 'loadFailed'>;
}

/** WebSocketClosedEvent (voice closed) followed by a playerUpdate; the player's voice is down. */
export function emitVoiceClosed(
  session: EmulatedSession,
  player: EmulatedPlayer,
  code: number,
  reason: string,
  byRemote: boolean,
): void {
  player.disconnectVoice();
  const { guildId } = player;
  session.sendMessage({ op: 'event', type: 'WebSocketClosedEvent', guildId, code, reason, byRemote });
  session.sendPlayerUpdate(player);
}

/** TrackExceptionEvent then TrackEndEvent; false when the player had no track. */
export function emitTrackException(
  session: EmulatedSession,
  player: EmulatedPlayer,
  options: TrackExceptionOptions = {},
): boolean {
  if (player.track === null) return false;
  const track = trackAt(player.track, player.position());
  const exception = emulatedException(
    options.message ?? 'Something broke while playing the track',
    options.severity,
  );
  session.sendMessage({
    op: 'event',
    type: 'TrackExceptionEvent',
    guildId: player.guildId,
    track,
    exception,
  });
  return session.endTrack(player, options.endReason ?? 'finished');
}

/** TrackStuckEvent then a playerUpdate; the track keeps playing. False when the player had no track. */
export function emitTrackStuck(
  session: EmulatedSession,
  player: EmulatedPlayer,
  thresholdMs: number,
): boolean {
  if (player.track === null) return false;
  const track = trackAt(player.track, player.position());
  session.sendMessage({ op: 'event', type: 'TrackStuckEvent', guildId: player.guildId, track, thresholdMs });
  session.sendPlayerUpdate(player);
  return true;
}
