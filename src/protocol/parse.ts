/**
 * The only place where raw WebSocket JSON is narrowed into typed messages. It never throws: every
 * frame becomes a message, a `raw` pass-through (unknown op or event type, for plugins), or a
 * ProtocolError to be emitted as an `error` event. Checks are the few needed to keep the client's
 * state safe; this runs for every frame, so it stays cheap.
 */
import { ProtocolError } from '../errors.js';
import type { PlayerUpdateMessage, ServerMessage, StatsMessage } from './messages.js';

export type ParsedFrame =
  | { kind: 'message'; message: ServerMessage }
  | { kind: 'raw'; payload: Record<string, unknown> }
  | { kind: 'error'; error: ProtocolError };

const KNOWN_EVENTS = new Set([
  'TrackStartEvent',
  'TrackEndEvent',
  'TrackExceptionEvent',
  'TrackStuckEvent',
  'WebSocketClosedEvent',
]);

/** Parses one WebSocket frame (text or binary UTF-8). */
export function parseFrame(data: string | Buffer | ArrayBuffer | Buffer[]): ParsedFrame {
  const text = typeof data === 'string' ? data : frameToString(data);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return malformed('Lavalink sent a frame that is not JSON', text, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return malformed('Lavalink sent a JSON frame that is not an object', text);
  }
  const frame = value as Record<string, unknown>;
  switch (frame.op) {
    case 'playerUpdate':
      return isPlayerUpdate(frame) ? message(frame) : malformed('Malformed playerUpdate frame', text);
    case 'event':
      return parseEvent(frame, text);
    case 'stats':
      return isStats(frame) ? message(frame) : malformed('Malformed stats frame', text);
    case 'ready':
      return typeof frame.sessionId === 'string' &&
        frame.sessionId.length > 0 &&
        typeof frame.resumed === 'boolean'
        ? message(frame)
        : malformed('Malformed ready frame', text);
    default:
      return typeof frame.op === 'string'
        ? { kind: 'raw', payload: frame }
        : malformed('Lavalink sent a frame without an `op` string', text);
  }
}

function parseEvent(frame: Record<string, unknown>, text: string): ParsedFrame {
  if (typeof frame.type !== 'string' || typeof frame.guildId !== 'string') {
    return malformed('Malformed event frame: `type` and `guildId` must be strings', text);
  }
  if (!KNOWN_EVENTS.has(frame.type)) return { kind: 'raw', payload: frame };
  if (frame.type === 'WebSocketClosedEvent') {
    return typeof frame.code === 'number'
      ? message(frame)
      : malformed('Malformed WebSocketClosedEvent: `code` must be a number', text);
  }
  const track = frame.track as { encoded?: unknown; info?: unknown } | null | undefined;
  if (
    typeof track !== 'object' ||
    track === null ||
    typeof track.encoded !== 'string' ||
    typeof track.info !== 'object' ||
    track.info === null
  ) {
    return malformed(`Malformed ${frame.type}: \`track\` must be a Track object`, text);
  }
  if (frame.type === 'TrackEndEvent' && typeof frame.reason !== 'string') {
    return malformed('Malformed TrackEndEvent: `reason` must be a string', text);
  }
  // Tracks carry plugin data users may rely on; default the two always-present objects.
  const t = track as Record<string, unknown>;
  if (typeof t.pluginInfo !== 'object' || t.pluginInfo === null) t.pluginInfo = {};
  if (typeof t.userData !== 'object' || t.userData === null) t.userData = {};
  return message(frame);
}

function isPlayerUpdate(
  frame: Record<string, unknown>,
): frame is Record<string, unknown> & PlayerUpdateMessage {
  const state = frame.state as Record<string, unknown> | null | undefined;
  return (
    typeof frame.guildId === 'string' &&
    typeof state === 'object' &&
    state !== null &&
    typeof state.position === 'number' &&
    typeof state.time === 'number'
  );
}

function isStats(frame: Record<string, unknown>): frame is Record<string, unknown> & StatsMessage {
  const cpu = frame.cpu as Record<string, unknown> | null | undefined;
  const memory = frame.memory as Record<string, unknown> | null | undefined;
  return (
    typeof frame.players === 'number' &&
    typeof frame.playingPlayers === 'number' &&
    typeof cpu === 'object' &&
    cpu !== null &&
    typeof cpu.systemLoad === 'number' &&
    typeof memory === 'object' &&
    memory !== null
  );
}

function message(frame: object): ParsedFrame {
  return { kind: 'message', message: frame as ServerMessage };
}

function malformed(what: string, text: string, cause?: unknown): ParsedFrame {
  const error = new ProtocolError(`${what}; the frame was ignored and the connection stays up.`, text, {
    cause,
  });
  return { kind: 'error', error };
}

function frameToString(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
