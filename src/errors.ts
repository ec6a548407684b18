/**
 * Errors thrown or emitted by lavafleet. Every error has a stable `code` to branch on; the message
 * says what to do next. Passwords never appear in any error.
 */

/** Stable error codes. */
export const ErrorCodes = {
  /** An option is missing, of the wrong type, or out of range (thrown at construction). */
  InvalidOption: 'ERR_INVALID_OPTION',
  /** Lavalink answered a REST request with a non-2xx status. */
  RestError: 'ERR_REST',
  /** Lavalink rejected the password (401/403). Fatal: no retry. */
  Authentication: 'ERR_AUTHENTICATION',
  /** A request or wait took longer than its timeout. */
  Timeout: 'ERR_TIMEOUT',
  /** The server could not be reached (refused, reset, DNS, socket closed). */
  Network: 'ERR_NETWORK',
  /** A response body was not the JSON shape the protocol defines. */
  InvalidResponse: 'ERR_INVALID_RESPONSE',
  /** A WebSocket frame was not JSON or not a known shape. The connection stays up. */
  MalformedFrame: 'ERR_MALFORMED_FRAME',
  /** An encoded track could not be decoded (bad base64, truncated, unknown version). */
  TrackDecode: 'ERR_TRACK_DECODE',
  /** Track fields could not be encoded (string too long, invalid number). */
  TrackEncode: 'ERR_TRACK_ENCODE',
  /** An operation needs a connected node with a session. */
  NodeNotReady: 'ERR_NODE_NOT_READY',
  /** The node was closed by the user while the operation was pending. */
  NodeClosed: 'ERR_NODE_CLOSED',
  /** The WebSocket handshake was refused with a status that will not change on retry. */
  HandshakeRejected: 'ERR_HANDSHAKE_REJECTED',
  /** Reconnect attempts are used up; the node stays disconnected until `connect()` is called. */
  ReconnectExhausted: 'ERR_RECONNECT_EXHAUSTED',
  /** The operation was aborted through its `AbortSignal`. */
  Aborted: 'ERR_ABORTED',
  /** The player was destroyed; join again to get a new one. */
  PlayerDestroyed: 'ERR_PLAYER_DESTROYED',
  /** Discord did not send the voice state and voice server updates in time. */
  VoiceTimeout: 'ERR_VOICE_TIMEOUT',
  /** No node can take players right now (none connected, all breakers open or draining). */
  NoNodeAvailable: 'ERR_NO_NODE_AVAILABLE',
  /** A query loaded nothing playable (empty, error, or a playlist where one track was needed). */
  LoadFailed: 'ERR_LOAD_FAILED',
  /** The Discord connector could not send or is not ready. */
  Connector: 'ERR_CONNECTOR',
  /** A stored entry could not be read or written. */
  Store: 'ERR_STORE',
  /** A bug in lavafleet: please report it. The library carried on. */
  Internal: 'ERR_INTERNAL',
  /** A user event listener threw or rejected; lavafleet kept running. */
  ListenerError: 'ERR_LISTENER',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of every lavafleet error. */
export class LavafleetError extends Error {
  override name = 'LavafleetError';
  /** Stable machine-readable code (see {@link ErrorCodes}). */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** What a failed REST request was. */
export interface RestRequestInfo {
  method: string;
  /** Path without host; query values that could be secrets are never included. */
  path: string;
}

/** Lavalink answered with a non-2xx status. Carries Lavalink's own `message` and (with `trace`) stack. */
export class LavalinkRestError extends LavafleetError {
  override name = 'LavalinkRestError';
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** Lavalink's `message` field, when the body had one. */
  readonly lavalinkMessage: string | null;
  /** Lavalink's `error` field (reason phrase). */
  readonly reason: string | null;
  /** Java stack trace, present when the request asked for `trace=true`. */
  readonly trace: string | null;

  constructor(
    init: RestRequestInfo & {
      status: number;
      lavalinkMessage?: string | null;
      reason?: string | null;
      trace?: string | null;
      code?: string;
      message?: string;
    },
  ) {
    const what = init.lavalinkMessage ?? init.reason ?? 'no message';
    super(
      init.code ?? ErrorCodes.RestError,
      init.message ?? `Lavalink answered ${init.status} to ${init.method} ${init.path}: ${what}`,
    );
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.lavalinkMessage = init.lavalinkMessage ?? null;
    this.reason = init.reason ?? null;
    this.trace = init.trace ?? null;
  }
}

/** The node rejected the password (REST 401/403 or WebSocket upgrade 401/403). */
export class AuthenticationError extends LavafleetError {
  override name = 'AuthenticationError';
  readonly status: number;
  constructor(status: number, where: string) {
    super(
      ErrorCodes.Authentication,
      `${where} was rejected with ${status}: the password is wrong (or missing). ` +
        "Check the node's `password` option against `lavalink.server.password` in application.yml.",
    );
    this.status = status;
  }
}

/** A request or wait exceeded its timeout. */
export class TimeoutError extends LavafleetError {
  override name = 'TimeoutError';
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(ErrorCodes.Timeout, `${what} timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** An encoded track could not be decoded, or a track could not be encoded. */
export class TrackCodecError extends LavafleetError {
  override name = 'TrackCodecError';
}

/** A WebSocket frame that is not JSON or not a shape lavafleet knows how to read. */
export class ProtocolError extends LavafleetError {
  override name = 'ProtocolError';
  /** The first 200 characters of the offending frame. */
  readonly frame: string;
  constructor(message: string, frame: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MalformedFrame, message, options);
    this.frame = frame.length > 200 ? `${frame.slice(0, 200)}…` : frame;
  }
}

/** Error thrown for an invalid option: a TypeError or RangeError that carries `code`. */
export type InvalidOptionError = (TypeError | RangeError) & { code: typeof ErrorCodes.InvalidOption };

/** Builds the TypeError/RangeError for an option, naming the option and the value received. */
export function invalidOption(
  kind: 'type' | 'range',
  option: string,
  expected: string,
  received: unknown,
): InvalidOptionError {
  const message = `Invalid option \`${option}\`: expected ${expected}, received ${describe(received)}`;
  const error = (kind === 'type' ? new TypeError(message) : new RangeError(message)) as InvalidOptionError;
  error.code = ErrorCodes.InvalidOption;
  return error;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Whether a value is a lavafleet error with the given code. */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}

/** `error` as a LavafleetError: itself if it is one, else ERR_NETWORK saying `what` failed, with the cause. */
export function asLavafleetError(error: unknown, what: string): LavafleetError {
  return error instanceof LavafleetError
    ? error
    : new LavafleetError(ErrorCodes.Network, `${what} failed: ${String(error)}`, { cause: error });
}

/**
 * Whether a failed call is the server's trouble (or the way to it) rather than the request's: a 5xx,
 * a timeout or a network error, worth asking again. A 4xx is Lavalink refusing the request itself.
 */
export function isServerSideFailure(error: unknown): boolean {
  if (error instanceof LavalinkRestError) return error.status >= 500;
  return hasCode(error, ErrorCodes.Timeout) || hasCode(error, ErrorCodes.Network);
}
