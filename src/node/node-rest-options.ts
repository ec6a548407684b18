/** Options of the REST client of one node: types, defaults, and the one resolver that validates them. */
import { ErrorCodes, type InvalidOptionError } from '../errors.js';
import type { RouteName } from '../protocol/routes.js';
import { systemClock, type Clock } from '../util/clock.js';
import { requireBoolean, requireNumber, requireObject, requireString } from '../util/validate.js';

/** Retry policy of REST requests: full-jitter exponential backoff between attempts. */
export interface RestRetryOptions {
  /** Extra attempts after the first one. @defaultValue 2 */
  retries: number;
  /** Backoff cap of the first retry, in ms. @defaultValue 200 */
  baseDelayMs: number;
  /** Largest backoff cap, in ms. @defaultValue 2_000 */
  maxDelayMs: number;
}

/** Route label of a request in metrics: a {@link RouteName}, or `custom` for {@link NodeRest.request}. */
export type RestRouteLabel = RouteName | 'custom';

/** What the `onRequest` hook receives once per HTTP attempt. Never contains the password or the path. */
export interface RestRequestEvent {
  route: RestRouteLabel;
  method: string;
  /** HTTP status, `null` when no response arrived (network error, timeout, abort). */
  status: number | null;
  durationMs: number;
  /** 0 for the first attempt, 1 for the first retry, ... */
  attempt: number;
  error?: unknown;
}

/** Options of {@link NodeRest}. */
export interface NodeRestOptions {
  /** Base URL of the node, e.g. `http://127.0.0.1:2333`; a path prefix is kept (reverse proxies). */
  baseUrl: string;
  /** Sent as the raw `Authorization` header; never appears in errors or hook payloads. */
  password: string;
  /** Timeout of one HTTP attempt in ms. @defaultValue 10_000 */
  requestTimeoutMs?: number;
  /** Retry policy; partial values are merged with the defaults. */
  retry?: Partial<RestRetryOptions>;
  /** Sent as `User-Agent`. @defaultValue 'lavafleet' */
  clientName?: string;
  /**
   * Most sockets open at once to this node. Only a latency-bound failover opens many (see the pool's
   * `failover.maxConcurrency`); idle ones beyond 16 are closed. @defaultValue 1_024
   */
  maxSockets?: number;
  /** Appends `trace=true` so that Lavalink errors carry its Java stack trace. @defaultValue false */
  trace?: boolean;
  /** Returns the node's current session id (from `ready`), or `null` before it. */
  sessionId?: () => string | null;
  /** Metrics hook, called once per HTTP attempt; keep it cheap, it runs on the request path. */
  onRequest?: (event: RestRequestEvent) => void;
  /** @internal Injected time source. @defaultValue systemClock */
  clock?: Clock;
  /** @internal Injected jitter source in [0, 1). @defaultValue Math.random */
  random?: () => number;
}

/** Per-call options accepted by every {@link NodeRest} method. */
export interface RestCallOptions {
  /** Cancels the call, including a pending retry wait (rejects with ERR_ABORTED). */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt of this call, in ms. @defaultValue the node's `requestTimeoutMs` */
  timeoutMs?: number;
  /** Retries of this call (where a retry is safe at all). @defaultValue the client's `retry.retries` */
  retries?: number;
}

/** Options of {@link NodeRest.updatePlayer}. */
export interface UpdatePlayerOptions extends RestCallOptions {
  /** Leave a playing track alone: a new `track` in the body is ignored. @defaultValue false */
  noReplace?: boolean;
  /**
   * Also retry on 5xx and on network errors after the request was sent. Set it only when the body
   * sets absolute state (volume, pause, filters, seek, voice) and no new track. @defaultValue false
   */
  idempotent?: boolean;
}

/** Options of {@link NodeRest.request}. */
export interface RestRequestOptions extends RestCallOptions {
  /** JSON-serialised and sent with `Content-Type: application/json`. */
  body?: unknown;
  /** Appended URL-encoded; `undefined` and `null` values are left out. */
  query?: Record<string, string | number | boolean | null | undefined>;
  /** Whether a replay is harmless (retries on 5xx). @defaultValue true for GET, HEAD, PUT, DELETE, OPTIONS */
  idempotent?: boolean;
}

/** Defaults of {@link NodeRestOptions}. */
export const DEFAULT_NODE_REST_OPTIONS = Object.freeze({
  requestTimeoutMs: 10_000,
  retry: Object.freeze({ retries: 2, baseDelayMs: 200, maxDelayMs: 2_000 }),
  clientName: 'lavafleet',
  maxSockets: 1_024,
  trace: false,
});

/** @internal {@link NodeRestOptions} after defaults and validation. */
export interface ResolvedNodeRestOptions {
  readonly url: URL;
  readonly password: string;
  readonly requestTimeoutMs: number;
  readonly retry: Readonly<RestRetryOptions>;
  readonly clientName: string;
  readonly maxSockets: number;
  readonly trace: boolean;
  readonly sessionId: (() => string | null) | undefined;
  readonly onRequest: ((event: RestRequestEvent) => void) | undefined;
  readonly clock: Clock;
  readonly random: () => number;
}

// setTimeout fires at once above this, which would turn a long timeout into none.
const MAX_TIMER_MS = 2_147_483_647;
// eslint-disable-next-line no-control-regex -- control characters are exactly what a header cannot carry
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** @internal Applies defaults, validates every option (naming it), and freezes the result. */
export function resolveNodeRestOptions(options: NodeRestOptions): ResolvedNodeRestOptions {
  requireObject('options', options);
  const D = DEFAULT_NODE_REST_OPTIONS;
  const retry = requireObject('retry', options.retry ?? {});
  const baseDelayMs = requireNumber('retry.baseDelayMs', retry.baseDelayMs ?? D.retry.baseDelayMs, {
    min: 0,
    max: MAX_TIMER_MS,
  });
  const resolved: ResolvedNodeRestOptions = {
    url: parseBaseUrl(options.baseUrl),
    password: checkPassword(options.password),
    requestTimeoutMs: requireNumber('requestTimeoutMs', options.requestTimeoutMs ?? D.requestTimeoutMs, {
      min: 1,
      max: MAX_TIMER_MS,
    }),
    retry: Object.freeze({
      retries: requireNumber('retry.retries', retry.retries ?? D.retry.retries, {
        min: 0,
        max: 10,
        integer: true,
      }),
      baseDelayMs,
      maxDelayMs: requireNumber('retry.maxDelayMs', retry.maxDelayMs ?? D.retry.maxDelayMs, {
        min: baseDelayMs,
        max: MAX_TIMER_MS,
      }),
    }),
    clientName: checkHeaderValue('clientName', options.clientName ?? D.clientName),
    maxSockets: requireNumber('maxSockets', options.maxSockets ?? D.maxSockets, {
      min: 1,
      max: 10_000,
      integer: true,
    }),
    trace: requireBoolean('trace', options.trace ?? D.trace),
    sessionId: optionalFunction('sessionId', options.sessionId),
    onRequest: optionalFunction('onRequest', options.onRequest),
    clock: options.clock ?? systemClock,
    random: optionalFunction('random', options.random) ?? Math.random,
  };
  return Object.freeze(resolved);
}

function parseBaseUrl(value: unknown): URL {
  const text = requireString('baseUrl', value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(TypeError, 'baseUrl', `an absolute http(s) URL such as 'http://127.0.0.1:2333'`, text);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(TypeError, 'baseUrl', 'an http: or https: URL', text);
  }
  return url;
}

/** Validates the password without ever echoing it back. */
function checkPassword(value: unknown): string {
  if (typeof value !== 'string' || CONTROL_CHARS.test(value)) {
    throw invalid(TypeError, 'password', 'a string without control characters', '(value hidden)');
  }
  return value;
}

function checkHeaderValue(option: string, value: unknown): string {
  const text = requireString(option, value);
  if (CONTROL_CHARS.test(text)) throw invalid(TypeError, option, 'a string without control characters', text);
  return text;
}

function optionalFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw invalid(TypeError, option, 'a function', typeof value);
  }
  return value;
}

function invalid(
  Kind: TypeErrorConstructor,
  option: string,
  expected: string,
  received: string,
): InvalidOptionError {
  const shown = received.length > 80 ? `${received.slice(0, 80)}…` : received;
  const error = new Kind(`Invalid option \`${option}\`: expected ${expected}, received ${shown}`);
  return Object.assign(error, { code: ErrorCodes.InvalidOption });
}
