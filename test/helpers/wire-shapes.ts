/**
 * Test oracles for Lavalink wire objects, written apart from the library's own checks so that fuzz
 * tests compare two independent readings of the protocol. A shape returns `null` when a value fits,
 * else a line saying where and why it does not.
 *
 * Two modes: `input` is what lavafleet must accept from a server (absent nullable track strings, any
 * `pluginInfo`, any stream length), `output` is what it must hand to users (every declared field
 * present with its declared type, numbers finite, lengths clamped to a safe integer).
 */

export type Shape = (value: unknown, at: string) => string | null;

function show(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return `${typeof value} ${String(value).slice(0, 40)}`;
  return 'an object';
}

function typed(expected: string, test: (value: unknown) => boolean): Shape {
  return (value, at) => (test(value) ? null : `${at}: expected ${expected}, got ${show(value)}`);
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const str = typed('a string', (v) => typeof v === 'string');
export const nonEmptyStr = typed('a non-empty string', (v) => typeof v === 'string' && v.length > 0);
export const num = typed('a finite number', (v) => typeof v === 'number' && Number.isFinite(v));
export const bool = typed('a boolean', (v) => typeof v === 'boolean');
export const plainObject = typed('an object', isPlainObject);
export const anything: Shape = () => null;

export const literal = (expected: unknown): Shape => typed(JSON.stringify(expected), (v) => v === expected);
export const nullable =
  (shape: Shape): Shape =>
  (value, at) =>
    value === null ? null : shape(value, at);
export const optional =
  (shape: Shape): Shape =>
  (value, at) =>
    value === undefined ? null : shape(value, at);

export function arrayOf(shape: Shape): Shape {
  return (value, at) => {
    if (!Array.isArray(value)) return `${at}: expected an array, got ${show(value)}`;
    for (let i = 0; i < value.length; i += 1) {
      const problem = shape(value[i], `${at}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  };
}

export function object(fields: Record<string, Shape>): Shape {
  return (value, at) => {
    if (!isPlainObject(value)) return `${at}: expected an object, got ${show(value)}`;
    for (const [key, shape] of Object.entries(fields)) {
      const problem = shape(Object.hasOwn(value, key) ? value[key] : undefined, `${at}.${key}`);
      if (problem !== null) return problem;
    }
    return null;
  };
}

/** A shape chosen by the value of one discriminating string field; `fallback` for other values. */
function byField(field: string, cases: Record<string, Shape>, fallback: Shape): Shape {
  return (value, at) => {
    if (!isPlainObject(value) || typeof value[field] !== 'string') {
      return `${at}.${field}: expected a string`;
    }
    const key = value[field];
    return (Object.hasOwn(cases, key) ? cases[key]! : fallback)(value, at);
  };
}

export type Mode = 'input' | 'output';

/** Every wire shape the fuzz tests check, in one mode. */
export function wireShapes(mode: Mode) {
  const isInput = mode === 'input';
  const absentOrNullableText = isInput ? optional(nullable(str)) : nullable(str);
  const trackData = isInput ? anything : plainObject;
  const length: Shape = isInput
    ? num
    : (v, at) => num(v, at) ?? ((v as number) <= Number.MAX_SAFE_INTEGER ? null : `${at}: not clamped`);
  const trackInfo = object({
    identifier: str,
    isSeekable: bool,
    author: str,
    length,
    isStream: bool,
    position: num,
    title: str,
    uri: absentOrNullableText,
    artworkUrl: absentOrNullableText,
    isrc: absentOrNullableText,
    sourceName: str,
  });
  const track = object({ encoded: str, info: trackInfo, pluginInfo: trackData, userData: trackData });
  const exception = object({
    message: nullable(str),
    severity: str,
    cause: str,
    causeStackTrace: optional(str),
  });
  const playerState = object({ time: num, position: num, connected: bool, ping: num });
  const statsFields = {
    players: num,
    playingPlayers: num,
    uptime: num,
    memory: object({ free: num, used: num, allocated: num, reservable: num }),
    cpu: object({ cores: num, systemLoad: num, lavalinkLoad: num }),
    frameStats: optional(nullable(object({ sent: num, nulled: num, deficit: num }))),
  };
  const event = (fields: Record<string, Shape>) => object({ op: literal('event'), guildId: str, ...fields });
  const events: Record<string, Shape> = {
    TrackStartEvent: event({ track }),
    // `reason` and `severity` are open sets on purpose: a value a newer server adds must not drop the event.
    TrackEndEvent: event({ track, reason: str }),
    TrackExceptionEvent: event({ track, exception }),
    TrackStuckEvent: event({ track, thresholdMs: num }),
    WebSocketClosedEvent: event({ code: num, reason: str, byRemote: bool }),
  };
  const messages: Record<string, Shape> = {
    ready: object({ op: literal('ready'), resumed: bool, sessionId: nonEmptyStr }),
    playerUpdate: object({ op: literal('playerUpdate'), guildId: str, state: playerState }),
    stats: object({ op: literal('stats'), ...statsFields }),
    event: byField('type', events, () => 'unknown event type'),
  };
  const loadResult = byField(
    'loadType',
    {
      track: object({ loadType: str, data: track }),
      search: object({ loadType: str, data: arrayOf(track) }),
      playlist: object({
        loadType: str,
        data: object({
          info: object({ name: str, selectedTrack: num }),
          pluginInfo: trackData,
          tracks: arrayOf(track),
        }),
      }),
      empty: object({ loadType: str, data: isInput ? anything : literal(null) }),
      error: object({ loadType: str, data: exception }),
    },
    anything,
  );
  const player = object({
    guildId: str,
    track: isInput ? optional(nullable(track)) : nullable(track),
    volume: num,
    paused: bool,
    state: playerState,
    voice: object({
      token: str,
      endpoint: str,
      sessionId: str,
      channelId: optional(nullable(str)),
      connected: optional(bool),
      ping: optional(num),
    }),
    filters: plainObject,
  });
  const info = object({
    version: object({
      semver: str,
      major: num,
      minor: num,
      patch: num,
      preRelease: absentOrNullableText,
      build: optional(nullable(str)),
    }),
    buildTime: num,
    git: object({ branch: str, commit: str, commitTime: num }),
    jvm: str,
    lavaplayer: str,
    sourceManagers: arrayOf(str),
    filters: arrayOf(str),
    plugins: arrayOf(object({ name: str, version: str })),
  });
  const routePlanner = object({
    class: str,
    details: object({
      ipBlock: object({ type: str, size: str }),
      failingAddresses: arrayOf(object({ failingAddress: str, failingTimestamp: num, failingTime: str })),
      rotateIndex: optional(str),
      ipIndex: optional(str),
      currentAddress: optional(str),
      currentAddressIndex: optional(str),
      blockIndex: optional(str),
    }),
  });
  return {
    track,
    exception,
    messages,
    loadResult,
    player,
    info,
    routePlanner,
    stats: object(statsFields),
    session: object({ resuming: bool, timeout: num }),
  };
}

export const KNOWN_OPS = ['ready', 'playerUpdate', 'stats', 'event'] as const;
export const KNOWN_EVENT_TYPES = [
  'TrackStartEvent',
  'TrackEndEvent',
  'TrackExceptionEvent',
  'TrackStuckEvent',
  'WebSocketClosedEvent',
] as const;

const INPUT = wireShapes('input');

/** What `parseFrame` must make of a frame's text: a typed message, a raw pass-through, or an error. */
export function expectedFrameKind(text: string): 'message' | 'raw' | 'error' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'error';
  }
  if (!isPlainObject(value) || typeof value.op !== 'string') return 'error';
  const { op } = value;
  if (op === 'event') {
    if (typeof value.type !== 'string' || typeof value.guildId !== 'string') return 'error';
    if (!(KNOWN_EVENT_TYPES as readonly string[]).includes(value.type)) return 'raw';
  } else if (!(KNOWN_OPS as readonly string[]).includes(op)) {
    return 'raw';
  }
  return INPUT.messages[op]!(value, 'frame') === null ? 'message' : 'error';
}
