/**
 * The only place where raw WebSocket JSON is narrowed into typed messages. It never throws: every
 * frame becomes a message, a `raw` pass-through (unknown op or event type, for plugins), or a
 * ProtocolError to be emitted as an `error` event. A message has every declared field with its
 * declared type (see shapes.ts), so listeners never meet a string position or an Infinity load.
 */
import { ProtocolError } from '../errors.js';
import type { ServerMessage } from './messages.js';
import { asTrack, isException, isNumber, isPlayerState, isStats } from './shapes.js';

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
      return typeof frame.guildId === 'string' && isPlayerState(frame.state)
        ? message(frame)
        : malformed('Malformed playerUpdate frame', text);
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
    return isNumber(frame.code) && typeof frame.reason === 'string' && typeof frame.byRemote === 'boolean'
      ? message(frame)
      : malformed(
          'Malformed WebSocketClosedEvent: `code`, `reason` or `byRemote` is missing or mistyped',
          text,
        );
  }
  // Fills the track's absent nullable fields and plugin objects, and clamps a stream's length.
  if (asTrack(frame.track) === null) {
    return malformed(`Malformed ${frame.type}: \`track\` must be a Track object`, text);
  }
  const problem = EVENT_FIELD_PROBLEMS[frame.type]?.(frame) ?? null;
  return problem === null ? message(frame) : malformed(`Malformed ${frame.type}: ${problem}`, text);
}

/** Checks of the fields a track event carries besides `track`: a problem, or null. */
const EVENT_FIELD_PROBLEMS: Readonly<Record<string, (frame: Record<string, unknown>) => string | null>> = {
  TrackEndEvent: (frame) => (typeof frame.reason === 'string' ? null : '`reason` must be a string'),
  TrackExceptionEvent: (frame) =>
    isException(frame.exception) ? null : '`exception` must be an Exception object',
  TrackStuckEvent: (frame) => (isNumber(frame.thresholdMs) ? null : '`thresholdMs` must be a number'),
};

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
