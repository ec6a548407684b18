/** WebSocket messages, server to client (protocol reference §2). */
import type { PlayerState } from './player.js';
import type { Stats } from './stats.js';
import type { LavalinkException, Track } from './track.js';

export interface ReadyMessage {
  op: 'ready';
  resumed: boolean;
  sessionId: string;
}

export interface PlayerUpdateMessage {
  op: 'playerUpdate';
  guildId: string;
  state: PlayerState;
}

export interface StatsMessage extends Stats {
  op: 'stats';
}

export type TrackEndReason = 'finished' | 'loadFailed' | 'stopped' | 'replaced' | 'cleanup';

/** Whether a queue may advance after a track ended for this reason. */
export const MAY_START_NEXT: Readonly<Record<TrackEndReason, boolean>> = Object.freeze({
  finished: true,
  loadFailed: true,
  stopped: false,
  replaced: false,
  cleanup: false,
});

interface EventBase {
  op: 'event';
  guildId: string;
}

export interface TrackStartEvent extends EventBase {
  type: 'TrackStartEvent';
  track: Track;
}

export interface TrackEndEvent extends EventBase {
  type: 'TrackEndEvent';
  track: Track;
  reason: TrackEndReason;
}

export interface TrackExceptionEvent extends EventBase {
  type: 'TrackExceptionEvent';
  track: Track;
  exception: LavalinkException;
}

export interface TrackStuckEvent extends EventBase {
  type: 'TrackStuckEvent';
  track: Track;
  thresholdMs: number;
}

export interface WebSocketClosedEvent extends EventBase {
  type: 'WebSocketClosedEvent';
  /** Discord voice close code (4006, 4014, 4015, 4017, ...). */
  code: number;
  reason: string;
  byRemote: boolean;
}

export type EventMessage =
  TrackStartEvent | TrackEndEvent | TrackExceptionEvent | TrackStuckEvent | WebSocketClosedEvent;

export type EventType = EventMessage['type'];

/** Every message the client understands. Anything else is surfaced as a `raw` event. */
export type ServerMessage = ReadyMessage | PlayerUpdateMessage | StatsMessage | EventMessage;
