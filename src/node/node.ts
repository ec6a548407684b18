/**
 * One Lavalink server: its WebSocket (with heartbeat, reconnect and session resume), its REST client,
 * its circuit breaker and its latest stats. Status transitions are in node-status.ts.
 */
import {
  AuthenticationError,
  ErrorCodes,
  LavafleetError,
  LavalinkRestError,
  asLavafleetError,
  isServerSideFailure,
} from '../errors.js';
import type { ParsedFrame } from '../protocol/parse.js';
import type { NodeInfo } from '../protocol/info.js';
import type { ReadyMessage } from '../protocol/messages.js';
import type { Stats } from '../protocol/stats.js';
import { backoffDelay } from '../resilience/backoff.js';
import { retry } from '../resilience/retry.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { TimerHandle } from '../util/clock.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { CLOSE_CODE_NAMES, HEARTBEAT_TIMEOUT_CODE, handshakePolicy } from './close-codes.js';
import type { DebugEvent, NodeEvents } from './node-events.js';
import { resolveNodeOptions } from './node-options.js';
import type { NodeOptions, ResolvedNodeOptions } from './node-options.js';
import { NodeRest } from './node-rest.js';
import { setMaxListeners } from 'node:events';
import { NodeSocket } from './node-socket.js';
import { StaleSessions } from './stale-session.js';
import { ServerClock } from './server-clock.js';
import { RecentAverage, RestLatency } from './rest-latency.js';
import type { SocketEnd } from './node-socket.js';
import { canTransition } from './node-status.js';
import type { NodeStatus } from './node-status.js';

/** Weight of a new ping sample in the smoothed latency. */
const LATENCY_SMOOTHING = 0.3;

/**
 * When a pong counts as overdue: four smoothed round trips, at least 100 ms, at most half the
 * heartbeat. Overdue is only a suspicion (`pongOverdue`): the failover then asks the server over
 * REST, and only a server that answers neither is dropped before the heartbeat gives up.
 */
export function pongOverdueMs(heartbeatMs: number, latencyMs: number | null): number {
  return Math.min(heartbeatMs / 2, Math.max(100, 4 * (latencyMs ?? 0)));
}

/** Where a node forwards its debug and REST request events: a Pool (as `debug`, `nodeRestRequest`). */
interface EventRelay {
  hasListeners(event: 'debug' | 'nodeRestRequest'): boolean;
  emit(event: 'debug', payload: DebugEvent): boolean;
  emit(event: 'nodeRestRequest', payload: NodeEvents['restRequest']): boolean;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * A connection to one Lavalink node.
 * @example
 * const node = new Node({ uri: 'localhost:2333', password: 'youshallnotpass', userId: '123' });
 * node.on('ready', ({ resumed }) => console.log('ready, resumed:', resumed));
 * await node.connect();
 */
export class Node extends TypedEmitter<NodeEvents> {
  /** Resolved, frozen options. */
  readonly options: ResolvedNodeOptions;
  /** The REST client. Session-scoped calls need `status === 'connected'`. */
  readonly rest: NodeRest;
  /** Opens after consecutive failures; an open node gets no new players. */
  readonly breaker: CircuitBreaker;

  #status: NodeStatus = 'disconnected';
  #sessionId: string | null;
  #socket: NodeSocket | null = null;
  #attempt = 0;
  #reconnectTimer: TimerHandle | undefined;
  #readyTimer: TimerHandle | undefined;
  #waiters: Waiter[] = [];
  #userId: string | null;
  #stats: Stats | null = null;
  #statsReceivedAt: number | null = null;
  #latencyMs: number | null = null;
  readonly #restLatency = new RestLatency();
  readonly #serverClock = new ServerClock();
  /** When the last `playerUpdate`'s position was true, on this process's clock. */
  #playerUpdateAt = 0;
  /** How long player requests took to reach the server and be handled (see `handledAt`). */
  readonly #wayThere = new RecentAverage();
  #heardAt: number | null = null;
  #canResume: boolean | null = null;
  /**
   * The re-sync in progress (between a resumed `ready` and its answer), which the socket's end or
   * close() aborts. Meanwhile `playerUpdate`s are not emitted: the ones Lavalink sends right after a
   * resume are superseded by the `resumed` event's players, and one of an idle player (position 0)
   * would make a track that ended unseen look as if it had just started.
   */
  #resyncing: AbortController | null = null;
  #closing = false;
  /** The session whose socket this node dropped itself, until the next `ready` (see stale-session.ts). */
  #droppedSession: string | null = null;
  readonly #staleSessions: StaleSessions;
  #relay: EventRelay | null = null;
  /** Aborted when the node leaves `connected`: see {@link connectionSignal}. */
  #connection: AbortController | null = null;

  constructor(options: NodeOptions) {
    super();
    this.options = resolveNodeOptions(options);
    this.#sessionId = this.options.sessionId;
    this.#userId = this.options.userId;
    const { clock, random } = this.options;
    this.breaker = new CircuitBreaker({ ...this.options.breaker, clock });
    this.rest = new NodeRest({
      baseUrl: this.options.restUrl,
      password: this.options.password,
      requestTimeoutMs: this.options.requestTimeoutMs,
      clientName: this.options.clientName,
      clock,
      random,
      sessionId: () => (this.#status === 'connected' ? this.#sessionId : null),
      onRequest: (info) => {
        const now = clock.now();
        this.#restLatency.record(info.route, info.status, info.durationMs, now);
        if (info.status !== null && info.status < 500) this.#heardAt = now;
        // A server that cannot answer REST is failing even if its socket looks fine. The user's own
        // aborts and close() say nothing about the server.
        if (info.status !== null ? info.status >= 500 : !isOwnCancellation(info.error))
          this.breaker.recordFailure();
        else if (info.status !== null && (this.breaker.failures > 0 || this.breaker.state !== 'closed'))
          this.breaker.recordSuccess(); // the server answers again: consecutive failures end here
        const relay = this.#relay?.hasListeners('nodeRestRequest') ? this.#relay : null;
        if (relay === null && !this.hasListeners('restRequest')) return;
        const event = { ...info, node: this.identifier };
        this.emit('restRequest', event);
        relay?.emit('nodeRestRequest', event);
      },
    });
    this.breaker.on('stateChange', ({ from, to }) =>
      this.emit('breakerChange', { node: this.identifier, from, to }),
    );
    this.#staleSessions = new StaleSessions({
      url: this.options.wsUrl,
      headers: () => this.#handshakeHeaders(),
      clock,
      timeoutMs: this.options.requestTimeoutMs,
      stopResuming: (sessionId) => this.rest.updateSession({ resuming: false }, { sessionId, retries: 0 }),
      onOutcome: (sessionId, outcome) => this.debug(`stale session ${outcome}`, () => ({ sessionId })),
    });
  }

  /** Unique name in a pool. */
  get identifier(): string {
    return this.options.identifier;
  }
  /** Connection status. */
  get status(): NodeStatus {
    return this.#status;
  }
  /** Lavalink session id (kept while reconnecting, so it can be resumed). */
  get sessionId(): string | null {
    return this.#sessionId;
  }
  /** Whether the node is connected with a session. */
  get isReady(): boolean {
    return this.#status === 'connected';
  }
  /** Latest stats, or null before the first frame. */
  get stats(): Stats | null {
    return this.#stats;
  }
  /** When the latest stats arrived (epoch ms). */
  get statsReceivedAt(): number | null {
    return this.#statsReceivedAt;
  }
  /**
   * When the server last showed it is alive (epoch ms of the clock): a WebSocket frame or pong, or an
   * answer below 500 to a REST request (a 5xx may come from a proxy in front of a dead server). Null
   * before anything came.
   */
  get heardAt(): number | null {
    return this.#heardAt;
  }
  /** Whether the last heartbeat ping has gone without its pong for longer than usual (see pongOverdueMs). */
  get isPongOverdue(): boolean {
    return this.#socket?.isPongOverdue ?? false;
  }
  /** Smoothed WebSocket ping round trip in ms, or null before the first pong. */
  get latencyMs(): number | null {
    return this.#latencyMs;
  }
  /** How long the last heartbeat ping has gone without its pong (ms), or null when none is waiting. */
  get awaitingPongMs(): number | null {
    return this.#socket?.awaitingPongMs ?? null;
  }
  /**
   * Smoothed round trip of the node's quick REST requests (players, session, version, info, stats) in
   * ms, or null with none in the last 5 s.
   */
  get restLatencyMs(): number | null {
    return this.#restLatency.recentMs(this.options.clock.now());
  }
  /**
   * How long a player request takes to reach the node and be handled there, in ms: measured on the
   * node's own clock when it is known (the state `time` of its answers to re-creations), else half
   * the REST round trip; null with neither in the last 5 s. Failovers start a moved track this far
   * ahead. The way there is seldom half the round trip: a request that waits in a stalled or far
   * server's queue is handled late and answered at once.
   */
  get wayThereMs(): number | null {
    const now = this.options.clock.now();
    const measured = this.#wayThere.recentMs(now);
    if (measured !== null) return measured;
    const rtt = this.#restLatency.recentMs(now);
    return rtt === null ? null : rtt / 2;
  }
  /**
   * @internal When the node handled a player request sent at `sentAt` and answered with a state
   * stamped `serverTime`, on this process's clock: between sending and now, the middle if the node's
   * clock is not known yet. Known, it is a sample of {@link wayThereMs}.
   */
  handledAt(sentAt: number, serverTime: number): number {
    const now = this.options.clock.now();
    const at = this.#serverClock.toLocal(serverTime, now, Number.NaN);
    if (Number.isNaN(at)) return (sentAt + now) / 2;
    const handled = Math.min(Math.max(at, sentAt), now);
    this.#wayThere.record(handled - sentAt, now);
    return handled;
  }
  /**
   * @internal When the position of the `playerUpdate` being emitted was true, on this process's clock
   * ({@link localTimeOf} of its `state.time`, computed once as the frame is read).
   */
  get playerUpdateAt(): number {
    return this.#playerUpdateAt;
  }
  /**
   * When the node's clock read `serverTime` (a `playerUpdate`'s `state.time`), on this process's
   * clock: earlier than now by however much longer than usual the frame took to be handled (a slow
   * link, a node that thaws, a busy event loop); now before the node's first `playerUpdate` told how
   * its clock compares. See server-clock.ts.
   */
  localTimeOf(serverTime: number): number {
    const now = this.options.clock.now();
    return this.#serverClock.toLocal(serverTime, now);
  }
  /**
   * Aborts when the node leaves `connected` (already aborted while it is not). Requests that are only
   * worth an answer from a working node pass it, so a node that freezes or dies does not hold them
   * for the whole request timeout: failover moves use it and go to the next node at once.
   */
  get connectionSignal(): AbortSignal {
    return this.#connection?.signal ?? NOT_CONNECTED;
  }
  /** Whether the server accepted session resuming; null until known. */
  get canResume(): boolean | null {
    return this.#canResume;
  }
  /** The bot's user id. */
  get userId(): string | null {
    return this.#userId;
  }
  /** Region from the options (lower case) or null. */
  get region(): string | null {
    return this.options.region;
  }

  /** Sets the bot's user id before connecting (pools do this from the connector). */
  setUserId(userId: string): void {
    if (this.#status !== 'disconnected')
      throw new LavafleetError(ErrorCodes.InvalidOption, 'setUserId() must be called before connect()');
    this.#userId = userId;
  }

  /** Sets the session to resume on the next connect (e.g. one saved before a bot restart). */
  setSessionId(sessionId: string | null): void {
    if (this.#status !== 'disconnected')
      throw new LavafleetError(ErrorCodes.InvalidOption, 'setSessionId() must be called before connect()');
    this.#sessionId = sessionId;
  }

  /** Connects and resolves when Lavalink sent `ready`. Rejects on a wrong password, exhaustion or close(). */
  connect(): Promise<void> {
    if (this.#status === 'connected') return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#status === 'disconnected') {
      if (this.#userId === null) {
        this.#settleWaiters(
          new LavafleetError(
            ErrorCodes.InvalidOption,
            `Node ${this.identifier}: set \`userId\` (the bot's user id) before connect()`,
          ),
        );
        return promise;
      }
      this.#closing = false;
      this.#attempt = 0;
      this.#setStatus('connecting');
      this.#open();
    }
    return promise;
  }

  /**
   * Closes the socket and stops reconnecting. With resuming enabled, Lavalink keeps the session
   * (and its players) for the resume timeout, so a restarted bot can pick it up with `sessionId`.
   */
  async close(): Promise<void> {
    this.#closing = true;
    this.options.clock.clearTimeout(this.#reconnectTimer);
    this.options.clock.clearTimeout(this.#readyTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'closed by lavafleet', { silent: true });
    this.#staleSessions.cancel();
    this.#endResync();
    this.rest.close();
    if (this.#status !== 'disconnected') this.#setStatus('disconnected');
    this.#settleWaiters(new LavafleetError(ErrorCodes.NodeClosed, `Node ${this.identifier} was closed`));
    await Promise.resolve();
  }

  /**
   * Drops a socket whose pong is overdue, as the heartbeat would at its next beat, and reconnects
   * (resuming the session when it can). Does nothing once the pong came or the socket is gone: the
   * failover calls it when the server did not answer REST either, so it is not waited on longer.
   */
  dropUnresponsive(reason: string): boolean {
    const socket = this.#socket;
    if (socket === null || socket.awaitingPongMs === null) return false;
    socket.terminate(HEARTBEAT_TIMEOUT_CODE, reason);
    return true;
  }

  /** `GET /v4/info`: version, plugins, source managers, filters. */
  info(): Promise<NodeInfo> {
    return this.rest.info();
  }

  /** `GET /version`: the server version as plain text. */
  version(): Promise<string> {
    return this.rest.version();
  }

  /** Emits a debug event; the payload is built only when someone listens, here or on the relay. */
  debug(message: string, data?: () => Record<string, unknown>): void {
    const relay = this.#relay?.hasListeners('debug') ? this.#relay : null;
    if (relay === null && !this.hasListeners('debug')) return;
    const scope = `node:${this.identifier}`;
    const event: DebugEvent = data ? { scope, message, data: data() } : { scope, message };
    this.emit('debug', event);
    relay?.emit('debug', event);
  }

  /**
   * Forwards debug and REST request events to `target` (a Pool, as `debug` and `nodeRestRequest`).
   * Unlike a listener, the relay asks the target whether anyone listens there, so a pool nobody
   * watches builds no payloads. Returns a function that stops it.
   * @internal
   */
  relayTo(target: EventRelay): () => void {
    this.#relay = target;
    return () => {
      if (this.#relay === target) this.#relay = null;
    };
  }

  /** The handshake headers, without `Session-Id`. */
  #handshakeHeaders(): Record<string, string> {
    return {
      Authorization: this.options.password,
      'User-Id': this.#userId ?? '',
      'Client-Name': this.options.clientName,
    };
  }

  #open(): void {
    const headers = this.#handshakeHeaders();
    if (this.options.resume.enabled && this.#sessionId !== null) headers['Session-Id'] = this.#sessionId;
    this.debug('opening socket', () => ({
      attempt: this.#attempt,
      resuming: headers['Session-Id'] !== undefined,
    }));
    const socket: NodeSocket = new NodeSocket(
      {
        url: this.options.wsUrl,
        headers,
        heartbeatMs: this.options.heartbeatMs,
        pongOverdueMs: () => pongOverdueMs(this.options.heartbeatMs, this.#latencyMs),
        clock: this.options.clock,
      },
      {
        onOpen: (resumedHeader) => {
          if (this.#socket !== socket) return;
          this.emit('connect', { node: this.identifier, resumedHeader });
        },
        onFrame: (frame) => {
          if (this.#socket === socket) this.#onFrame(frame);
        },
        onPong: (rtt) => {
          this.#heardAt = this.options.clock.now();
          this.#latencyMs =
            this.#latencyMs === null ? rtt : this.#latencyMs + LATENCY_SMOOTHING * (rtt - this.#latencyMs);
        },
        onPongOverdue: (overdueMs) => {
          if (this.#socket === socket) this.emit('pongOverdue', { node: this.identifier, overdueMs });
        },
        onEnd: (end) => {
          if (this.#socket === socket) this.#onEnd(end);
        },
      },
    );
    this.#socket = socket;
    // One deadline for the handshake and the `ready` op after it: a server that stays silent is
    // treated as failed. (Cheaper than ws's handshakeTimeout, which arms a socket timeout as well.)
    this.options.clock.clearTimeout(this.#readyTimer);
    this.#readyTimer = this.options.clock.setTimeout(() => {
      if (this.#socket === socket)
        socket.terminate(
          1006,
          `no handshake and ready op from Lavalink within ${this.options.requestTimeoutMs} ms`,
        );
    }, this.options.requestTimeoutMs);
  }

  #onFrame(frame: ParsedFrame): void {
    const now = this.options.clock.now();
    this.#heardAt = now;
    if (frame.kind === 'message') {
      const message = frame.message;
      switch (message.op) {
        case 'playerUpdate':
          this.#serverClock.observe(message.state.time, now);
          this.#playerUpdateAt = this.#serverClock.toLocal(message.state.time, now);
          if (this.#resyncing === null) this.emit('playerUpdate', message);
          return;
        case 'event':
          this.emit('event', message);
          return;
        case 'stats':
          this.#stats = message;
          this.#statsReceivedAt = now;
          this.emit('stats', { node: this.identifier, stats: message, receivedAt: this.#statsReceivedAt });
          return;
        case 'ready':
          this.#onReady(message);
          return;
      }
    }
    if (frame.kind === 'raw') this.emit('raw', { node: this.identifier, payload: frame.payload });
    else this.emit('error', frame.error);
  }

  #onReady(message: ReadyMessage): void {
    if (this.#status === 'connected') {
      // Lavalink sends `ready` once per connection; a second one would swap the session under live players.
      this.emit(
        'error',
        new LavafleetError(
          ErrorCodes.MalformedFrame,
          `Node ${this.identifier} sent a second \`ready\` (session ${message.sessionId}) on an open connection; ` +
            'it was ignored and the node keeps its session. Is something other than Lavalink answering?',
        ),
      );
      return;
    }
    this.options.clock.clearTimeout(this.#readyTimer);
    const previous = this.#sessionId;
    this.#sessionId = message.sessionId;
    this.#attempt = 0;
    this.breaker.recordSuccess();
    this.#setStatus('connected');
    this.emit('ready', { node: this.identifier, resumed: message.resumed, sessionId: message.sessionId });
    this.#settleWaiters(null);
    // After the caller's `await connect()` went on: the PATCH is not on the path to ready.
    if (this.options.resume.enabled) {
      setImmediate(() => {
        if (this.#sessionId === message.sessionId && this.#status === 'connected')
          void this.#configureResuming(message.sessionId);
      });
    }
    const dropped = this.#droppedSession;
    this.#droppedSession = null;
    if (message.resumed) void this.#resync(message.sessionId);
    else if (previous !== null && previous !== message.sessionId) {
      // A session whose socket this node dropped may not have been let go by the server yet.
      if (dropped === previous && this.options.resume.enabled) this.#staleSessions.end(previous);
      this.emit('sessionLost', {
        node: this.identifier,
        previousSessionId: previous,
        sessionId: message.sessionId,
      });
    }
  }

  async #configureResuming(sessionId: string): Promise<void> {
    try {
      const timeout = Math.ceil(this.options.resume.timeoutMs / 1000);
      await this.rest.updateSession({ resuming: true, timeout });
      if (this.#sessionId === sessionId) this.#canResume = true;
    } catch (error) {
      if (this.#sessionId !== sessionId) return;
      if (error instanceof LavalinkRestError && error.status === 404) {
        // A server without session configuration (NodeLink 2.x): carry on without resume.
        this.#canResume = false;
        this.debug('server does not support session resuming');
      } else {
        this.emit('error', asLavafleetError(error, 'configuring session resume'));
      }
    }
  }

  /**
   * Reads the resumed session's players and emits `resumed`. A server that answers 5xx or not at all
   * (a burst of errors right after the resume) is asked again with backoff for as long as the session
   * stays connected: without this re-sync the pool would never re-attach the session's players.
   */
  async #resync(sessionId: string): Promise<void> {
    this.#endResync();
    const abort = (this.#resyncing = new AbortController());
    const current = () => this.#resyncing === abort && this.#sessionId === sessionId && this.isReady;
    let requestedAt = 0;
    try {
      const players = await retry(
        () => {
          requestedAt = this.options.clock.now();
          return this.rest.getPlayers({ signal: abort.signal });
        },
        {
          retries: Infinity,
          policy: RESYNC_BACKOFF,
          clock: this.options.clock,
          random: this.options.random,
          signal: abort.signal,
          shouldRetry: (error, attempt) => {
            if (!current() || !isServerSideFailure(error)) return false;
            this.emit(
              'error',
              asLavafleetError(error, `re-syncing players after resume (attempt ${attempt})`),
            );
            return true;
          },
        },
      );
      if (current()) this.emit('resumed', { node: this.identifier, sessionId, players, requestedAt });
    } catch (error) {
      if (current()) this.emit('error', asLavafleetError(error, 're-syncing players after resume'));
    } finally {
      if (this.#resyncing === abort) this.#resyncing = null;
    }
  }

  #endResync(): void {
    this.#resyncing?.abort();
    this.#resyncing = null;
  }

  #onEnd(end: SocketEnd): void {
    this.#socket = null;
    // Dropped by this side (a pong that never came): the server may notice late (see stale-session.ts).
    if (end.kind === 'closed' && end.code === HEARTBEAT_TIMEOUT_CODE && end.wasOpen)
      this.#droppedSession = this.#sessionId;
    this.#endResync();
    this.options.clock.clearTimeout(this.#readyTimer);
    if (this.#closing) return;
    if (end.kind === 'rejected' && handshakePolicy(end.status) === 'fatal') {
      this.#fail(rejectedError(this.identifier, end.status));
      return;
    }
    const code = end.kind === 'closed' ? end.code : 1006;
    const reason =
      end.kind === 'closed'
        ? end.reason || (CLOSE_CODE_NAMES[end.code] ?? '')
        : end.kind === 'rejected'
          ? `handshake answered ${end.status}`
          : end.error.message;
    const refused = end.kind === 'failed' && !end.wasOpen && isRefused(end.error);
    this.emit('disconnect', { node: this.identifier, code, reason, refused });
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    this.breaker.recordFailure();
    this.#attempt += 1;
    const { reconnect, clock } = this.options;
    if (!reconnect.infinite && this.#attempt > reconnect.maxAttempts) {
      const attempts = this.#attempt - 1;
      this.#setStatus('disconnected');
      this.emit('reconnectExhausted', { node: this.identifier, attempts });
      this.#settleWaiters(
        new LavafleetError(
          ErrorCodes.ReconnectExhausted,
          `Node ${this.identifier}: gave up after ${attempts} reconnect attempts; call connect() to try again`,
        ),
      );
      return;
    }
    // The first retry after losing an established connection is immediate: most drops are blips and
    // the session resumes in milliseconds. Later retries back off with jitter. Reconnects follow the
    // backoff only: the breaker keeps a failing node out of selection, but a node that comes back
    // must be usable at once (a completed handshake is the breaker's probe).
    const immediate = this.#attempt === 1 && this.#status === 'connected';
    if (this.#status !== 'reconnecting') this.#setStatus('reconnecting');
    const delayMs = immediate ? 0 : backoffDelay(this.#attempt, reconnect, this.options.random);
    this.emit('reconnecting', { node: this.identifier, attempt: this.#attempt, delayMs });
    this.#reconnectTimer = clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.#closing) this.#open();
    }, delayMs);
  }

  #fail(error: LavafleetError): void {
    this.#setStatus('disconnected');
    this.emit('error', error);
    this.#settleWaiters(error);
  }

  #setStatus(to: NodeStatus): void {
    const from = this.#status;
    if (from === to) return;
    if (!canTransition(from, to)) {
      // A bug in lavafleet, not in the caller: report it and keep the table's word.
      this.emit(
        'error',
        new LavafleetError(
          ErrorCodes.Internal,
          `Node ${this.identifier}: illegal status change ${from} → ${to}`,
        ),
      );
      return;
    }
    this.#status = to;
    if (from === 'connected') {
      this.#connection?.abort(
        new LavafleetError(ErrorCodes.NodeNotReady, `Node ${this.identifier} left connected (${to})`),
      );
      this.#connection = null;
    }
    if (to === 'connected') {
      this.#connection = new AbortController();
      // Every move in flight to this node listens on it: hundreds at once are expected, not a leak.
      setMaxListeners(Number.POSITIVE_INFINITY, this.#connection.signal);
    }
    this.emit('statusChange', { node: this.identifier, from, to });
  }

  #settleWaiters(error: Error | null): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (error === null) waiter.resolve();
      else waiter.reject(error);
    }
  }
}

function rejectedError(identifier: string, status: number): LavafleetError {
  if (status === 401 || status === 403)
    return new AuthenticationError(status, `The WebSocket handshake with node ${identifier}`);
  return new LavafleetError(
    ErrorCodes.HandshakeRejected,
    `Node ${identifier} refused the WebSocket handshake with ${status}; check the uri (a Lavalink v4 server?) and the bot's user id`,
  );
}

const NOT_CONNECTED = AbortSignal.abort(
  new LavafleetError(ErrorCodes.NodeNotReady, 'The node is not connected'),
);

/** A connection nothing listened for (the port is closed: the server is down or restarting). */
function isRefused(error: Error): boolean {
  return (error as { code?: unknown }).code === 'ECONNREFUSED';
}

function isOwnCancellation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === ErrorCodes.Aborted || code === ErrorCodes.NodeClosed;
}

/** Between attempts of the post-resume re-sync: quick at first, as the server just answered a handshake. */
const RESYNC_BACKOFF = Object.freeze({ baseDelayMs: 250, maxDelayMs: 5_000, jitter: 'full' as const });
