/** Options of one Lavalink node: types, defaults, and the single resolver that validates them. */
import { invalidOption } from '../errors.js';
import type { JitterMode } from '../resilience/backoff.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import {
  requireBoolean,
  requireNumber,
  requireObject,
  requireSnowflake,
  requireString,
} from '../util/validate.js';

export type { JitterMode } from '../resilience/backoff.js';

/** Reconnect policy: exponential backoff with jitter. */
export interface ReconnectOptions {
  /** First retry delay. @defaultValue 500 */
  baseDelayMs?: number;
  /** Delay cap. @defaultValue 30_000 */
  maxDelayMs?: number;
  /** Attempts before giving up (ignored when `infinite`). @defaultValue 10 */
  maxAttempts?: number;
  /** Never give up. A node that comes back after an hour is used again. @defaultValue true */
  infinite?: boolean;
  /** Jitter mode; full jitter spreads hundreds of bots reconnecting to one node. @defaultValue 'full' */
  jitter?: JitterMode;
}

/** Session resume policy. */
export interface ResumeOptions {
  /** Ask Lavalink to keep the session (and its players) while the socket is down. @defaultValue true */
  enabled?: boolean;
  /** How long Lavalink keeps the session, in ms (sent in whole seconds). @defaultValue 60_000 */
  timeoutMs?: number;
}

/** Circuit breaker: consecutive failures open it for a cool-down, then one probe. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. @defaultValue 5 */
  failureThreshold?: number;
  /** How long the breaker stays open. @defaultValue 30_000 */
  cooldownMs?: number;
}

/** Options of a {@link Node}. */
export interface NodeOptions {
  /** Unique name of the node in a pool. @defaultValue the host:port of `uri` */
  identifier?: string;
  /** `http(s)://host:port`, `ws(s)://host:port` or `host:port`. */
  uri: string;
  /** Lavalink's `lavalink.server.password`. Never logged. */
  password: string;
  /** The bot's user id (Discord snowflake). Pools fill it in from the connector. */
  userId?: string;
  /** Use TLS (`https`/`wss`). Implied by an `https://` or `wss://` uri. @defaultValue false */
  secure?: boolean;
  /** Region of the node (e.g. `us`, `eu`), preferred for players in that region. @defaultValue null */
  region?: string | null;
  /** Interval of WebSocket pings; no pong by the next ping means the socket is dead. @defaultValue 10_000 */
  heartbeatMs?: number;
  reconnect?: ReconnectOptions;
  resume?: ResumeOptions;
  breaker?: BreakerOptions;
  /** A session id to resume (e.g. saved before a bot restart). @defaultValue null */
  sessionId?: string | null;
  /** Timeout of each REST request and of the WebSocket handshake. @defaultValue 10_000 */
  requestTimeoutMs?: number;
  /** Idle players (no track) are destroyed after this long; 0 disables. @defaultValue 0 */
  inactivePlayerTimeoutMs?: number;
  /** `Client-Name` header. @defaultValue `lavafleet/<version>` */
  clientName?: string;
  /** @internal Injectable clock (tests). */
  clock?: Clock;
  /** @internal Injectable randomness for jitter (tests). */
  random?: () => number;
}

export interface ResolvedNodeOptions {
  readonly identifier: string;
  readonly password: string;
  readonly userId: string | null;
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** `http(s)://host:port` */
  readonly restUrl: string;
  /** `ws(s)://host:port/v4/websocket` */
  readonly wsUrl: string;
  readonly region: string | null;
  readonly heartbeatMs: number;
  readonly reconnect: Readonly<Required<ReconnectOptions>>;
  readonly resume: Readonly<Required<ResumeOptions>>;
  readonly breaker: Readonly<Required<BreakerOptions>>;
  readonly sessionId: string | null;
  readonly requestTimeoutMs: number;
  readonly inactivePlayerTimeoutMs: number;
  readonly clientName: string;
  readonly clock: Clock;
  readonly random: () => number;
}

export const CLIENT_NAME = 'lavafleet/0.1.0';

/** Defaults of every node option. */
export const DEFAULT_NODE_OPTIONS = Object.freeze({
  secure: false,
  region: null,
  heartbeatMs: 10_000,
  reconnect: Object.freeze({
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    maxAttempts: 10,
    infinite: true,
    jitter: 'full',
  }),
  resume: Object.freeze({ enabled: true, timeoutMs: 60_000 }),
  breaker: Object.freeze({ failureThreshold: 5, cooldownMs: 30_000 }),
  sessionId: null,
  requestTimeoutMs: 10_000,
  inactivePlayerTimeoutMs: 0,
  clientName: CLIENT_NAME,
} as const);

const JITTER_MODES: readonly JitterMode[] = ['full', 'equal', 'none'];

/** Validates node options and applies defaults. Throws TypeError/RangeError naming the option. */
export function resolveNodeOptions(input: NodeOptions, prefix = 'node'): ResolvedNodeOptions {
  requireObject(prefix, input);
  const d = DEFAULT_NODE_OPTIONS;
  const uri = requireString(`${prefix}.uri`, input.uri);
  const password = requireString(`${prefix}.password`, input.password, { allowEmpty: true });
  const explicitSecure =
    input.secure === undefined ? undefined : requireBoolean(`${prefix}.secure`, input.secure);
  const { host, port, secure } = parseUri(uri, explicitSecure, `${prefix}.uri`);
  const reconnect =
    input.reconnect === undefined ? {} : requireObject(`${prefix}.reconnect`, input.reconnect);
  const resume = input.resume === undefined ? {} : requireObject(`${prefix}.resume`, input.resume);
  const breaker = input.breaker === undefined ? {} : requireObject(`${prefix}.breaker`, input.breaker);
  const baseDelayMs = requireNumber(
    `${prefix}.reconnect.baseDelayMs`,
    reconnect.baseDelayMs ?? d.reconnect.baseDelayMs,
    { min: 0 },
  );
  const maxDelayMs = requireNumber(
    `${prefix}.reconnect.maxDelayMs`,
    reconnect.maxDelayMs ?? d.reconnect.maxDelayMs,
    { min: baseDelayMs },
  );
  const jitter = reconnect.jitter ?? d.reconnect.jitter;
  if (!JITTER_MODES.includes(jitter as JitterMode)) {
    throw invalidOption('range', `${prefix}.reconnect.jitter`, `one of ${JITTER_MODES.join(', ')}`, jitter);
  }
  const hostPort = `${host}:${port}`;
  const scheme = secure ? 's' : '';
  return Object.freeze({
    identifier:
      input.identifier === undefined ? hostPort : requireString(`${prefix}.identifier`, input.identifier),
    password,
    userId: input.userId === undefined ? null : requireSnowflake(`${prefix}.userId`, input.userId),
    secure,
    host,
    port,
    restUrl: `http${scheme}://${hostPort}`,
    wsUrl: `ws${scheme}://${hostPort}/v4/websocket`,
    region: input.region == null ? null : requireString(`${prefix}.region`, input.region).toLowerCase(),
    heartbeatMs: requireNumber(`${prefix}.heartbeatMs`, input.heartbeatMs ?? d.heartbeatMs, {
      min: 10,
      max: 2 ** 31 - 1,
    }),
    reconnect: Object.freeze({
      baseDelayMs,
      maxDelayMs,
      maxAttempts: requireNumber(
        `${prefix}.reconnect.maxAttempts`,
        reconnect.maxAttempts ?? d.reconnect.maxAttempts,
        { min: 0, integer: true },
      ),
      infinite: requireBoolean(`${prefix}.reconnect.infinite`, reconnect.infinite ?? d.reconnect.infinite),
      jitter: jitter as JitterMode,
    }),
    resume: Object.freeze({
      enabled: requireBoolean(`${prefix}.resume.enabled`, resume.enabled ?? d.resume.enabled),
      timeoutMs: requireNumber(`${prefix}.resume.timeoutMs`, resume.timeoutMs ?? d.resume.timeoutMs, {
        min: 1000,
        max: 2 ** 31 - 1,
      }),
    }),
    breaker: Object.freeze({
      failureThreshold: requireNumber(
        `${prefix}.breaker.failureThreshold`,
        breaker.failureThreshold ?? d.breaker.failureThreshold,
        { min: 1, integer: true },
      ),
      cooldownMs: requireNumber(`${prefix}.breaker.cooldownMs`, breaker.cooldownMs ?? d.breaker.cooldownMs, {
        min: 0,
      }),
    }),
    sessionId: input.sessionId == null ? null : requireString(`${prefix}.sessionId`, input.sessionId),
    requestTimeoutMs: requireNumber(
      `${prefix}.requestTimeoutMs`,
      input.requestTimeoutMs ?? d.requestTimeoutMs,
      { min: 1, max: 2 ** 31 - 1 },
    ),
    inactivePlayerTimeoutMs: requireNumber(
      `${prefix}.inactivePlayerTimeoutMs`,
      input.inactivePlayerTimeoutMs ?? d.inactivePlayerTimeoutMs,
      { min: 0 },
    ),
    clientName:
      input.clientName === undefined ? d.clientName : requireString(`${prefix}.clientName`, input.clientName),
    clock: input.clock ?? systemClock,
    random: input.random ?? Math.random,
  });
}

/** Accepts `http(s)://host:port`, `ws(s)://host:port` (a `/v4/websocket` path is tolerated) or `host:port`. */
export function parseUri(
  uri: string,
  explicitSecure: boolean | undefined,
  option: string,
): { host: string; port: number; secure: boolean } {
  const withScheme = /^[a-z]+:\/\//i.test(uri) ? uri : `http://${uri}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalidOption('type', option, 'http(s)://host:port, ws(s)://host:port or host:port', uri);
  }
  const protocol = url.protocol.slice(0, -1);
  if (!['http', 'https', 'ws', 'wss'].includes(protocol)) {
    throw invalidOption('type', option, 'an http, https, ws or wss URI', uri);
  }
  if (url.pathname !== '/' && url.pathname !== '/v4/websocket' && url.pathname !== '') {
    throw invalidOption('type', option, 'a URI without a path (lavafleet adds /v4/...)', uri);
  }
  const schemeSecure = protocol === 'https' || protocol === 'wss';
  const secure = explicitSecure ?? schemeSecure;
  const port = url.port === '' ? (secure ? 443 : 2333) : Number(url.port);
  const host = url.hostname.startsWith('[') ? url.hostname : url.hostname;
  return { host, port, secure };
}
