/**
 * One HTTP attempt to a Lavalink node over `node:http(s)` with a keep-alive agent: per-attempt timeout,
 * `AbortSignal`, and errors that say whether the request could have reached the server. No retries and
 * no Lavalink knowledge here (see node-rest.ts). `fetch` is avoided on purpose: it costs several times
 * the CPU per request of a plain `http.request` on a warm socket.
 */
import http from 'node:http';
import https from 'node:https';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { ErrorCodes, LavafleetError, TimeoutError } from '../errors.js';
import { abortError } from '../resilience/sleep.js';
import { AbortListeners } from '../util/abort-listeners.js';
import type { Clock, TimerHandle } from '../util/clock.js';

/** A complete HTTP response. */
export interface HttpResponse {
  status: number;
  /** The body decoded as UTF-8 (`''` when empty). */
  body: string;
  /** The raw message, for headers. */
  message: IncomingMessage;
}

/** @internal Construction options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  url: URL;
  password: string;
  userAgent: string;
  maxSockets: number;
  clock: Clock;
}

/** A node could not be reached, or the connection broke before the response was complete. */
export class RestNetworkError extends LavafleetError {
  override name = 'RestNetworkError';
  readonly method: string;
  /** Path of the request, shortened when long. */
  readonly path: string;
  /**
   * `false` when the request provably never reached Lavalink's handlers (connection refused, DNS
   * failure, or a stale keep-alive socket closed by the server): replaying it cannot apply it twice.
   */
  readonly requestMayHaveBeenSent: boolean;

  constructor(method: string, path: string, mayHaveBeenSent: boolean, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      ErrorCodes.Network,
      `${method} ${path} failed: ${reason}. Check that the node is running and reachable at its URL.`,
      { cause },
    );
    this.method = method;
    this.path = path;
    this.requestMayHaveBeenSent = mayHaveBeenSent;
  }
}

const MAX_PATH_IN_ERRORS = 160;

/** Shortens a path for error messages: encoded tracks and search strings in queries can be kilobytes. */
export function shortPath(path: string): string {
  return path.length > MAX_PATH_IN_ERRORS ? `${path.slice(0, MAX_PATH_IN_ERRORS)}…` : path;
}

/** Appends URL-encoded query parameters, leaving out `undefined` and `null` values. */
export function appendQuery(
  path: string,
  query: Readonly<Record<string, string | number | boolean | null | undefined>> | undefined,
): string {
  if (query === undefined) return path;
  let result = path;
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    result += `${result.includes('?') ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  }
  return result;
}

// Below the 5 s keep-alive of Node servers and far below Lavalink's: a socket the server is about to
// close is dropped by us first, which makes the stale-socket race rare.
const FREE_SOCKET_TIMEOUT_MS = 4_000;
// Idle sockets kept per node between bursts. A failover or a restore sends a hundred moves or more at
// once, burst after burst: with 16 kept, each burst opened the rest again and closed them after
// (half a second of connects and closes in a 10,000-player restore). Idle ones close after
// FREE_SOCKET_TIMEOUT_MS, most recently used first kept (lifo), so a quiet bot holds few.
const MAX_FREE_SOCKETS = 256;
// Socket errors raised before a connection exists: the request was never written.
const NOT_CONNECTED_SYSCALLS = new Set(['connect', 'getaddrinfo']);

/** @internal Sends single HTTP requests to one node over a pool of keep-alive sockets. */
export class HttpTransport {
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;
  readonly #hostname: string;
  readonly #port: number;
  readonly #prefix: string;
  readonly #headers: OutgoingHttpHeaders;
  /** Shared by every request with a body; `Content-Length` is overwritten per request, which is safe
   * because `ClientRequest` copies headers synchronously in its constructor. */
  readonly #bodyHeaders: OutgoingHttpHeaders;
  readonly #inFlight = new Set<Exchange>();
  /** Requests waiting on each abort signal (a node's connection signal is shared by thousands). */
  readonly #aborts = new AbortListeners();
  #closed = false;
  /** @internal */
  readonly clock: Clock;

  constructor(options: HttpTransportOptions) {
    const { url } = options;
    const secure = url.protocol === 'https:';
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: Math.min(options.maxSockets, MAX_FREE_SOCKETS),
      timeout: FREE_SOCKET_TIMEOUT_MS,
      scheduling: 'lifo' as const,
    };
    this.#agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.#request = secure ? https.request : http.request;
    this.#hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#headers = { Authorization: options.password, 'User-Agent': options.userAgent };
    this.#bodyHeaders = { ...this.#headers, 'Content-Type': 'application/json', 'Content-Length': 0 };
    this.clock = options.clock;
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Sends one request; rejects with TimeoutError, RestNetworkError, or ERR_ABORTED / ERR_NODE_CLOSED. */
  send(
    method: string,
    path: string,
    body: string | null,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    if (this.#closed) return Promise.reject(closedError(method, path));
    if (signal?.aborted) return Promise.reject(abortError(signal, `${method} ${shortPath(path)}`));
    let headers = this.#headers;
    if (body !== null) {
      headers = this.#bodyHeaders;
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      const exchange = new Exchange(this.#inFlight, this.#aborts, this.clock, method, path, resolve, reject);
      const req = this.#request({
        agent: this.#agent,
        hostname: this.#hostname,
        port: this.#port,
        method,
        path: this.#prefix + path,
        headers,
      });
      exchange.start(req, timeoutMs, signal);
      req.end(body ?? undefined);
    });
  }

  /** Fails in-flight requests with ERR_NODE_CLOSED and destroys every socket. Later calls reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const exchange of [...this.#inFlight]) {
      exchange.fail(closedError(exchange.method, exchange.path));
    }
    this.#agent.destroy();
  }
}

/** State of one request in flight. Listeners are its only closures; abort uses `handleEvent`. */
class Exchange {
  req: ClientRequest | undefined;
  timer: TimerHandle | undefined;
  signal: AbortSignal | undefined;
  body = '';
  responded = false;
  settled = false;

  constructor(
    readonly inFlight: Set<Exchange>,
    readonly aborts: AbortListeners,
    readonly clock: Clock,
    readonly method: string,
    readonly path: string,
    readonly resolve: (response: HttpResponse) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  start(req: ClientRequest, timeoutMs: number, signal: AbortSignal | undefined): void {
    this.req = req;
    this.inFlight.add(this);
    req.on('error', (error) => this.onError(error));
    req.on('response', (res) => this.onResponse(res));
    this.timer = this.clock.setTimeout(() => this.onTimeout(timeoutMs), timeoutMs);
    if (signal !== undefined) {
      this.signal = signal;
      this.aborts.add(signal, this);
    }
  }

  /** The abort signal fired (EventListener object form: no closure per request). */
  handleEvent(): void {
    if (this.signal) this.fail(abortError(this.signal, `${this.method} ${shortPath(this.path)}`));
  }

  onResponse(res: IncomingMessage): void {
    this.responded = true;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.body += chunk;
    });
    res.on('error', (error) => this.onError(error));
    res.on('end', () => this.succeed(res));
    // A connection that drops mid-body may close the message without `error` or `end`.
    res.on('close', () => this.onResponseClose());
  }

  onError(error: Error): void {
    // Destroying the request after a timeout or abort raises a late error: nothing to build then.
    if (!this.settled) this.fail(this.networkError(error));
  }

  onResponseClose(): void {
    // After `end` this is the normal close; build no error (stack traces cost) unless still pending.
    if (!this.settled) this.fail(this.networkError(new Error('the connection closed mid-response')));
  }

  onTimeout(timeoutMs: number): void {
    this.fail(new TimeoutError(`${this.method} ${shortPath(this.path)}`, timeoutMs));
  }

  networkError(error: Error & { code?: string; syscall?: string }): RestNetworkError {
    const notConnected = error.syscall !== undefined && NOT_CONNECTED_SYSCALLS.has(error.syscall);
    // Node's documented keep-alive race: the server closed an idle socket as we wrote to it.
    const staleSocket =
      this.req?.reusedSocket === true &&
      !this.responded &&
      (error.code === 'ECONNRESET' || error.code === 'EPIPE');
    return new RestNetworkError(this.method, shortPath(this.path), !(notConnected || staleSocket), error);
  }

  succeed(res: IncomingMessage): void {
    if (this.settled) return;
    this.finish();
    this.resolve({ status: res.statusCode ?? 0, body: this.body, message: res });
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.finish();
    // Destroying drops the socket instead of returning a half-used one to the pool.
    this.req?.destroy();
    this.reject(error);
  }

  finish(): void {
    this.settled = true;
    this.clock.clearTimeout(this.timer);
    if (this.signal) this.aborts.remove(this.signal, this);
    this.inFlight.delete(this);
  }
}

function closedError(method: string, path: string): LavafleetError {
  return new LavafleetError(
    ErrorCodes.NodeClosed,
    `${method} ${shortPath(path)} was cancelled: the node's REST client is closed. Create a new node to talk to it again.`,
  );
}
