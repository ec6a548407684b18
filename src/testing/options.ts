/** Options of the Lavalink emulator: types, defaults and the one resolver that validates them. */
import type { PluginMeta, RoutePlannerStatus } from '../protocol/info.js';
import type { CpuStats, FrameStats, MemoryStats } from '../protocol/stats.js';

/** Figures the emulator reports in `stats`; everything not given keeps its default. */
export interface EmulatorStatsOptions {
  cpu?: Partial<CpuStats>;
  memory?: Partial<MemoryStats>;
  /** Reported as is on the WebSocket (never on `GET /v4/stats`). @defaultValue null */
  frameStats?: FrameStats | null;
  /** A fixed uptime in ms instead of the time since `start()`. */
  uptime?: number;
}

/** Options of {@link LavalinkEmulator}. */
export interface LavalinkEmulatorOptions {
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** `0` picks a free port. @defaultValue 0 */
  port?: number;
  /** @defaultValue 'youshallnotpass' */
  password?: string;
  /** Version reported by `/version` and `/v4/info`. @defaultValue '4.2.2' */
  version?: string;
  /** Clock for positions, timestamps, uptime and resume windows. @defaultValue Date.now */
  now?: () => number;
  /** Lavalink's `playerUpdateInterval`, in ms. @defaultValue 5000 */
  playerUpdateIntervalMs?: number;
  /** Interval of `stats` frames per session, in ms. @defaultValue 60000 */
  statsIntervalMs?: number;
  stats?: EmulatorStatsOptions;
  /** `false` simulates a server without session routes: `PATCH /v4/sessions/{sid}` answers 404. @defaultValue true */
  sessionSupport?: boolean;
  /** Filters disabled in the server config; using one answers 400. @defaultValue [] */
  disabledFilters?: string[];
  /** Source managers; decoding a track of another source answers 500. */
  sourceManagers?: string[];
  /** @defaultValue [] */
  plugins?: PluginMeta[];
  /** Length of every catalogue track without an explicit length; unset derives 2–6 min from the query. */
  defaultTrackLengthMs?: number;
  /** Route planner reported by `/v4/routeplanner/*`; `null` means none (status 204, free → 500). @defaultValue null */
  routePlanner?: RoutePlannerStatus;
  /** Ping reported for connected voice. @defaultValue 5 */
  voicePingMs?: number;
}

/** The default source managers (those of a stock Lavalink with the YouTube plugin). */
export const DEFAULT_SOURCE_MANAGERS: readonly string[] = Object.freeze([
  'youtube',
  'soundcloud',
  'bandcamp',
  'twitch',
  'vimeo',
  'nico',
  'http',
  'local',
]);

/** Options after defaults, validated and frozen. */
export interface ResolvedEmulatorOptions {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  readonly version: string;
  readonly now: () => number;
  readonly playerUpdateIntervalMs: number;
  readonly statsIntervalMs: number;
  readonly stats: EmulatorStatsOptions;
  readonly sessionSupport: boolean;
  readonly disabledFilters: ReadonlySet<string>;
  readonly sourceManagers: ReadonlySet<string>;
  readonly plugins: readonly PluginMeta[];
  readonly defaultTrackLengthMs: number | undefined;
  readonly routePlanner: RoutePlannerStatus;
  readonly voicePingMs: number;
}

/** Defaults of every option that has one. */
export const DEFAULT_EMULATOR_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  password: 'youshallnotpass',
  version: '4.2.2',
  playerUpdateIntervalMs: 5000,
  statsIntervalMs: 60_000,
  sessionSupport: true,
  voicePingMs: 5,
});

/** Applies defaults and validates, throwing a TypeError/RangeError that names the option. */
export function resolveEmulatorOptions(options: LavalinkEmulatorOptions = {}): ResolvedEmulatorOptions {
  const d = DEFAULT_EMULATOR_OPTIONS;
  const resolved: ResolvedEmulatorOptions = {
    host: text('host', options.host ?? d.host),
    port: integer('port', options.port ?? d.port, 0, 65_535),
    password: text('password', options.password ?? d.password, true),
    version: text('version', options.version ?? d.version),
    now: clock(options.now),
    playerUpdateIntervalMs: integer(
      'playerUpdateIntervalMs',
      options.playerUpdateIntervalMs ?? d.playerUpdateIntervalMs,
      1,
    ),
    statsIntervalMs: integer('statsIntervalMs', options.statsIntervalMs ?? d.statsIntervalMs, 1),
    stats: { ...options.stats },
    sessionSupport: bool('sessionSupport', options.sessionSupport ?? d.sessionSupport),
    disabledFilters: new Set(strings('disabledFilters', options.disabledFilters ?? [])),
    sourceManagers: new Set(strings('sourceManagers', options.sourceManagers ?? DEFAULT_SOURCE_MANAGERS)),
    plugins: Object.freeze([...(options.plugins ?? [])]),
    defaultTrackLengthMs:
      options.defaultTrackLengthMs === undefined
        ? undefined
        : integer('defaultTrackLengthMs', options.defaultTrackLengthMs, 1),
    routePlanner: options.routePlanner ?? null,
    voicePingMs: integer('voicePingMs', options.voicePingMs ?? d.voicePingMs, 0),
  };
  return Object.freeze(resolved);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function text(name: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new TypeError(
      `Invalid option \`${name}\`: expected a non-empty string, received ${describe(value)}`,
    );
  }
  return value;
}

function integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`Invalid option \`${name}\`: expected an integer, received ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`Invalid option \`${name}\`: expected ${min}..${max}, received ${value}`);
  }
  return value;
}

function bool(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`Invalid option \`${name}\`: expected a boolean, received ${describe(value)}`);
  }
  return value;
}

function strings(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(
      `Invalid option \`${name}\`: expected an array of strings, received ${describe(value)}`,
    );
  }
  return value;
}

function clock(value: unknown): () => number {
  if (value === undefined) return Date.now;
  if (typeof value !== 'function') {
    throw new TypeError(
      `Invalid option \`now\`: expected a function returning epoch ms, received ${typeof value}`,
    );
  }
  return value as () => number;
}
