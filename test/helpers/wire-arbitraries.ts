/**
 * fast-check arbitraries for Lavalink wire objects (WebSocket frames and REST bodies), and mutators
 * that break them: fields deleted or replaced by wrong types, nulls, nested garbage, numbers JSON
 * cannot hold exactly (1e999 parses to Infinity), op and type names swapped, text truncated or edited.
 */
import fc from 'fast-check';
import { KNOWN_EVENT_TYPES, KNOWN_OPS } from './wire-shapes.js';

const text = fc.string({ unit: 'binary', maxLength: 16 });
const nullableText = fc.option(text, { nil: null });
const finite = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.maxSafeInteger(),
);
const millis = fc.oneof(fc.maxSafeNat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.nat(1_000_000));
const jsonData = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

export const trackArb = fc.record({
  encoded: fc.base64String({ maxLength: 40 }),
  info: fc.record({
    identifier: text,
    isSeekable: fc.boolean(),
    author: text,
    length: millis,
    isStream: fc.boolean(),
    position: millis,
    title: text,
    uri: nullableText,
    artworkUrl: nullableText,
    isrc: nullableText,
    sourceName: text,
  }),
  pluginInfo: jsonData,
  userData: jsonData,
});

export const exceptionArb = fc.record(
  {
    message: nullableText,
    severity: fc.constantFrom('common', 'suspicious', 'fault'),
    cause: text,
    causeStackTrace: text,
  },
  { requiredKeys: ['message', 'severity', 'cause'] },
);

const playerStateArb = fc.record({ time: millis, position: millis, connected: fc.boolean(), ping: finite });

export const statsArb = fc.record(
  {
    players: fc.nat(),
    playingPlayers: fc.nat(),
    uptime: millis,
    memory: fc.record({ free: fc.nat(), used: fc.nat(), allocated: fc.nat(), reservable: fc.nat() }),
    cpu: fc.record({
      cores: fc.nat(64),
      systemLoad: fc.double({ min: 0, max: 1, noNaN: true }),
      lavalinkLoad: finite,
    }),
    frameStats: fc.option(fc.record({ sent: fc.nat(), nulled: fc.nat(), deficit: fc.integer() }), {
      nil: null,
    }),
  },
  { requiredKeys: ['players', 'playingPlayers', 'uptime', 'memory', 'cpu'] },
);

const guildId = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String), text);
const eventBase = { op: fc.constant('event'), guildId };

/** Valid frames of every op and event type Lavalink v4 sends. */
export const frameArb = fc.oneof(
  fc.record({ op: fc.constant('ready'), resumed: fc.boolean(), sessionId: fc.string({ minLength: 1 }) }),
  fc.record({ op: fc.constant('playerUpdate'), guildId, state: playerStateArb }),
  statsArb.map((stats) => ({ op: 'stats', ...stats })),
  fc.record({ ...eventBase, type: fc.constant('TrackStartEvent'), track: trackArb }),
  fc.record({
    ...eventBase,
    type: fc.constant('TrackEndEvent'),
    track: trackArb,
    reason: fc.constantFrom('finished', 'loadFailed', 'stopped', 'replaced', 'cleanup'),
  }),
  fc.record({
    ...eventBase,
    type: fc.constant('TrackExceptionEvent'),
    track: trackArb,
    exception: exceptionArb,
  }),
  fc.record({ ...eventBase, type: fc.constant('TrackStuckEvent'), track: trackArb, thresholdMs: fc.nat() }),
  fc.record({
    ...eventBase,
    type: fc.constant('WebSocketClosedEvent'),
    code: fc.integer({ min: 1000, max: 4999 }),
    reason: text,
    byRemote: fc.boolean(),
  }),
);

export const loadResultArb = fc.oneof(
  fc.record({ loadType: fc.constant('track'), data: trackArb }),
  fc.record({ loadType: fc.constant('search'), data: fc.array(trackArb, { maxLength: 3 }) }),
  fc.record({
    loadType: fc.constant('playlist'),
    data: fc.record({
      info: fc.record({ name: text, selectedTrack: fc.integer({ min: -1, max: 5 }) }),
      pluginInfo: jsonData,
      tracks: fc.array(trackArb, { maxLength: 3 }),
    }),
  }),
  fc.record({ loadType: fc.constant('empty'), data: fc.constantFrom(null, {}) }),
  fc.record({ loadType: fc.constant('error'), data: exceptionArb }),
  // NodeLink and plugins add load types; they pass through untyped.
  fc.record({ loadType: fc.constantFrom('album', 'short', 'nope'), data: fc.jsonValue({ maxDepth: 2 }) }),
);

export const playerArb = fc.record({
  guildId,
  track: fc.option(trackArb, { nil: null }),
  volume: fc.nat(1000),
  paused: fc.boolean(),
  state: playerStateArb,
  voice: fc.record(
    {
      token: text,
      endpoint: text,
      sessionId: text,
      channelId: nullableText,
      connected: fc.boolean(),
      ping: finite,
    },
    { requiredKeys: ['token', 'endpoint', 'sessionId'] },
  ),
  filters: fc.constantFrom({}, { volume: 0.5 }, { timescale: { speed: 1.2 } }),
});

export const infoArb = fc.record({
  version: fc.record({
    semver: text,
    major: fc.nat(9),
    minor: fc.nat(9),
    patch: fc.nat(9),
    preRelease: nullableText,
  }),
  buildTime: millis,
  git: fc.record({ branch: text, commit: text, commitTime: millis }),
  jvm: text,
  lavaplayer: text,
  sourceManagers: fc.array(text, { maxLength: 4 }),
  filters: fc.array(text, { maxLength: 4 }),
  plugins: fc.array(fc.record({ name: text, version: text }), { maxLength: 2 }),
});

export const sessionArb = fc.record({ resuming: fc.boolean(), timeout: fc.nat(600) });

export const routePlannerArb = fc.record({
  class: fc.constantFrom('RotatingIpRoutePlanner', 'NanoIpRoutePlanner', 'BalancingIpRoutePlanner'),
  details: fc.record(
    {
      ipBlock: fc.record({ type: fc.constantFrom('Inet4Address', 'Inet6Address'), size: text }),
      failingAddresses: fc.array(
        fc.record({ failingAddress: text, failingTimestamp: millis, failingTime: text }),
        { maxLength: 2 },
      ),
      rotateIndex: text,
      currentAddressIndex: text,
    },
    { requiredKeys: ['ipBlock', 'failingAddresses'] },
  ),
});

// Quoted placeholders that `toText` swaps for number literals JSON.stringify cannot produce.
const NUMBER_LITERALS: Readonly<Record<string, string>> = {
  '"@@huge@@"': '1e999',
  '"@@-huge@@"': '-1e999',
  '"@@long-max@@"': '9223372036854775807',
  '"@@big@@"': '123456789012345678901234567890',
  '"@@tiny@@"': '5e-324',
};

/** JSON text of a value, with the number placeholders substituted. */
export function toText(value: unknown): string {
  let result = JSON.stringify(value) ?? 'null';
  for (const [placeholder, literal] of Object.entries(NUMBER_LITERALS)) {
    result = result.replaceAll(placeholder, literal);
  }
  return result;
}

/** Values that have the wrong type (or an awkward value) almost anywhere in a frame. */
export const garbageArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, '', {}, [], 'NaN', 'Infinity', '[object Object]'),
  fc.constantFrom(...Object.keys(NUMBER_LITERALS).map((key) => key.slice(1, -1))),
  fc.constantFrom(...KNOWN_OPS, ...KNOWN_EVENT_TYPES, 'op', 'event', 'nope'),
  text,
  finite,
  fc.jsonValue({ maxDepth: 3 }),
);

interface Edit {
  kind: 'delete' | 'replace';
  at: number;
  value: unknown;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('delete', 'replace', 'replace'),
  at: fc.nat(),
  value: garbageArb,
});

/** Every (container, key) slot of a JSON tree, depth first. */
function slots(root: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []) {
  if (Array.isArray(root)) {
    root.forEach((child, i) => {
      out.push([root, i]);
      slots(child, out);
    });
  } else if (typeof root === 'object' && root !== null) {
    for (const [key, child] of Object.entries(root)) {
      out.push([root as Record<string, unknown>, key]);
      slots(child, out);
    }
  }
  return out;
}

function applyEdits(value: unknown, edits: readonly Edit[]): unknown {
  const copy = structuredClone(value);
  for (const edit of edits) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [container, key] = all[edit.at % all.length]!;
    if (Array.isArray(container)) {
      if (edit.kind === 'delete') container.splice(key as number, 1);
      else container[key as number] = edit.value;
    } else if (edit.kind === 'delete') {
      delete container[key];
    } else {
      container[key] = edit.value;
    }
  }
  return copy;
}

type TextEdit = { kind: 'none' } | { kind: 'cut' | 'insert'; at: number; char: string };

const textEditArb: fc.Arbitrary<TextEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({
    kind: fc.constantFrom('cut' as const, 'insert' as const),
    at: fc.nat(),
    char: fc.constantFrom('{', '}', '"', ',', ':', '\\', ']', '\u0000', 'é', '\ud800', 'x'),
  }),
);

function applyTextEdit(source: string, edit: TextEdit): string {
  if (edit.kind === 'none') return source;
  const at = edit.at % (source.length + 1);
  return edit.kind === 'cut' ? source.slice(0, at) : source.slice(0, at) + edit.char + source.slice(at);
}

/** The JSON text of `valid` values, broken by up to four edits of the tree and maybe one of the text. */
export function mutatedText(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .record({ value: valid, edits: fc.array(editArb, { minLength: 1, maxLength: 4 }), textEdit: textEditArb })
    .map(({ value, edits, textEdit }) => applyTextEdit(toText(applyEdits(value, edits)), textEdit));
}

/** Text that looks a little like JSON: brackets, quotes, op names and numbers in random order. */
export const jsonishTextArb = fc
  .array(
    fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      '"op"',
      '"event"',
      '"type"',
      '1',
      '-',
      'e9',
      'null',
      ' ',
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));
