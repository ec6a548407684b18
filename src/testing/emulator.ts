/**
 * `LavalinkEmulator`: a Lavalink 4.2.2 server in-process (HTTP + WebSocket on one port) with fault
 * injection, for tests, benchmarks and demos.
 */
import type { TrackEndReason } from '../protocol/messages.js';
import type { LavalinkPlayer } from '../protocol/player.js';
import type { FailRequestsOptions } from './faults.js';
import { FaultState } from './faults.js';
import { HttpListener } from './http-listener.js';
import { EmulatorNode } from './node.js';
import { resolveEmulatorOptions } from './options.js';
import type { EmulatorStatsOptions, LavalinkEmulatorOptions, ResolvedEmulatorOptions } from './options.js';
import type { EmulatedPlayer } from './player.js';
import { createRequestListener } from './rest-server.js';
import type { PendingRequest } from './rest-server.js';
import { emitTrackException, emitTrackStuck, emitVoiceClosed } from './scripted-events.js';
import type { TrackExceptionOptions } from './scripted-events.js';
import type { EmulatedSession } from './session.js';
import { WebSocketGateway } from './websocket.js';

/** A session as `sessions()` reports it. */
export interface EmulatedSessionInfo {
  id: string;
  status: 'connected' | 'paused';
  /** Whether a client socket is attached (`status === 'connected'`). */
  connected: boolean;
  resuming: boolean;
  /** Resume window in seconds, as on the wire. */
  timeout: number;
  playerCount: number;
  userId: string;
  clientName: string | null;
}

/** Options of `restart()`. */
export interface RestartOptions {
  /** Keep sessions as if only the network died: resuming sessions pause, others end. @defaultValue false */
  keepSessions?: boolean;
}

const STOP_GRACE_MS = 1000;

/**
 * A Lavalink 4.2.2 emulator on `127.0.0.1` (port 0 by default) with fault injection.
 *
 * Where it simplifies a real server (on purpose, and stable):
 * - voice connects at once when a valid `voice` is sent (`connected: true`, ping `voicePingMs`);
 *   positions advance with `now()` whether or not voice is connected, times timescale `speed × rate`;
 * - tracks end on one timer per session; with a fake `now`, call `tick()` after moving the clock;
 * - `frameStats` is the configured value (default null), the same for every session;
 * - `restMs` latency delays a REST request before it is handled, `restReplyMs` its answer after;
 *   scripted failures apply after authorization;
 * - while frozen, frames and answers are held back and delivered on `unfreeze()`, like TCP buffers;
 * - the route planner is absent unless the `routePlanner` option describes one;
 * - the catalogue behind `/v4/loadtracks` is documented in `catalogue.ts` (`loadCatalogueTracks`).
 *
 * @example
 * ```ts
 * const lavalink = new LavalinkEmulator();
 * await lavalink.start();
 * // connect a client to lavalink.url with lavalink.password
 * lavalink.failNextRequests(1, { route: 'player', status: 500 });
 * await lavalink.stop();
 * ```
 */
export class LavalinkEmulator {
  private readonly options: ResolvedEmulatorOptions;
  private readonly faults = new FaultState();
  private readonly node: EmulatorNode;
  private readonly listener: HttpListener;
  private readonly gateway: WebSocketGateway;
  private readonly counts = new Map<string, number>();
  private readonly pending = new Set<PendingRequest>();
  private epoch = 0;
  private boundPort = 0;

  constructor(options: LavalinkEmulatorOptions = {}) {
    this.options = resolveEmulatorOptions(options);
    this.node = new EmulatorNode(this.options);
    const shared = {
      node: this.node,
      options: this.options,
      faults: this.faults,
      epoch: () => this.epoch,
      count: (route: string) => this.counts.set(route, (this.counts.get(route) ?? 0) + 1),
    };
    this.gateway = new WebSocketGateway(shared);
    const onRequest = createRequestListener({
      ...shared,
      env: { node: this.node, options: this.options },
      pending: this.pending,
    });
    this.listener = new HttpListener(onRequest, this.gateway.onUpgrade);
  }

  /** The bound port (valid after `start()`). */
  get port(): number {
    return this.boundPort;
  }

  get password(): string {
    return this.options.password;
  }

  /** `http://host:port` */
  get url(): string {
    return `http://${this.options.host}:${this.boundPort}`;
  }

  /** `ws://host:port/v4/websocket` */
  get wsUrl(): string {
    return `ws://${this.options.host}:${this.boundPort}/v4/websocket`;
  }

  /** Starts listening; resolves when `port` and `url` are valid. */
  async start(): Promise<void> {
    const port = this.boundPort === 0 ? this.options.port : this.boundPort;
    this.boundPort = await this.listener.listen(this.options.host, port);
    this.node.startedAt = this.options.now();
  }

  /** Graceful shutdown: every WebSocket closed with 1001, HTTP closed, every timer cleared. */
  async stop(): Promise<void> {
    this.epoch++;
    for (const session of this.node.sessions.values())
      session.outbound?.socket.close(1001, 'Server shutdown');
    this.node.reset();
    this.faults.unfreeze();
    await this.listener.close(STOP_GRACE_MS);
  }

  /** Abrupt process death: every socket reset, new connections refused, all sessions and players lost. */
  async kill(): Promise<void> {
    this.epoch++;
    this.node.reset();
    this.faults.unfreeze();
    await this.listener.reset();
  }

  /** Listens again on the same port, as a fresh process or (keepSessions) after a network outage. */
  async restart(options: RestartOptions = {}): Promise<void> {
    if (options.keepSessions === true) {
      this.epoch++;
      for (const session of [...this.node.sessions.values()]) session.detach(this.options.sessionSupport);
      this.faults.unfreeze();
      await this.listener.reset();
    } else {
      await this.kill();
    }
    await this.start();
  }

  /** Half-open: sockets stay open but nothing is answered (no pongs, no frames, REST hangs) until `unfreeze()`. */
  freeze(): void {
    this.faults.freeze();
  }

  /** Answers what waited, in order, and delivers the frames held back. */
  unfreeze(): void {
    this.faults.unfreeze();
  }

  /**
   * Leaves WebSocket pings unanswered while frames and REST carry on: a proxy or network that loses
   * control frames, or a server whose socket is half-open while its HTTP port still answers.
   */
  withholdPongs(enabled = true): void {
    this.faults.pongsWithheld = enabled;
  }

  /**
   * Delays every REST request before it is handled (`restMs`), its answer after it was handled
   * (`restReplyMs`: the way back, while its effects, such as WebSocket events, are already out),
   * every WebSocket frame (`wsMs`), each REST request by its turn at a saturated server
   * (`serviceMs`: each request holds the server that long, one after the other, so the last of a
   * burst of 500 at 2 ms each is handled a second later), the answer to each WebSocket ping
   * (`pongMs`: the round trip a client measures; control frames are apart from `wsMs`, which delays
   * only data frames), and the server's notice of a socket the client dropped (`closeNoticeMs`: a proxy in between, or a loaded
   * server; until then the session counts as connected, so a client that reconnects at once cannot
   * resume it and gets a new one, while the old one pauses later and plays on).
   */
  setLatency(latency: {
    restMs?: number;
    restReplyMs?: number;
    wsMs?: number;
    pongMs?: number;
    serviceMs?: number;
    closeNoticeMs?: number;
  }): void {
    if (latency.restMs !== undefined) this.faults.restLatencyMs = nonNegative('restMs', latency.restMs);
    if (latency.restReplyMs !== undefined)
      this.faults.restReplyLatencyMs = nonNegative('restReplyMs', latency.restReplyMs);
    if (latency.wsMs !== undefined) this.faults.wsLatencyMs = nonNegative('wsMs', latency.wsMs);
    if (latency.pongMs !== undefined) this.faults.pongLatencyMs = nonNegative('pongMs', latency.pongMs);
    if (latency.serviceMs !== undefined) this.faults.serviceMs = nonNegative('serviceMs', latency.serviceMs);
    if (latency.closeNoticeMs !== undefined)
      this.faults.closeNoticeMs = nonNegative('closeNoticeMs', latency.closeNoticeMs);
  }

  /** Answers the next `count` matching REST requests (after authorization) with Lavalink's error body. */
  failNextRequests(count: number, options: FailRequestsOptions = {}): void {
    this.faults.failNext(count, options);
  }

  /** Answers the next `count` WebSocket handshakes with `status` (e.g. 503). */
  rejectHandshake(status: number, count = 1): void {
    this.faults.rejectHandshakes(status, count);
  }

  /** Whether the next handshake will be refused (a `rejectHandshake()` not used up yet). */
  get refusesHandshakes(): boolean {
    return this.faults.rejectsHandshakes;
  }

  /** Forgets latency, scripted failures, rejections and withheld pongs, and lifts a freeze. */
  resetFaults(): void {
    this.faults.reset();
  }

  /** Sends an arbitrary frame (text or binary) to one or every connected session; returns how many got it. */
  sendRaw(data: string | Buffer, sessionId?: string): number {
    const targets = this.connected(sessionId);
    for (const session of targets) session.outbound!.send(data);
    return targets.length;
  }

  /** Network blip: TCP-resets the client socket(s); resuming sessions pause, others end. Returns how many. */
  dropConnection(sessionId?: string): number {
    const targets = this.connected(sessionId);
    for (const session of targets) {
      const transport = session.outbound!.transport;
      session.detach(this.options.sessionSupport);
      if (!transport.destroyed) transport.resetAndDestroy();
    }
    return targets.length;
  }

  /** Ends a paused session's resume window now (players destroyed); false if it is not paused. */
  expireSession(sessionId: string): boolean {
    const session = this.node.sessions.get(sessionId);
    if (session?.status !== 'paused') return false;
    session.destroy();
    return true;
  }

  /**
   * Loses what a paused session queued for its client (events sent into a socket that was closing
   * are lost on a real server too); returns how many messages were dropped.
   */
  dropQueuedMessages(sessionId: string): number {
    return this.node.sessions.get(sessionId)?.dropQueued() ?? 0;
  }

  /** Changes the reported stats (merged into the current ones). */
  setStats(stats: EmulatorStatsOptions): void {
    const current = this.node.stats;
    this.node.stats = {
      ...current,
      ...stats,
      cpu: { ...current.cpu, ...stats.cpu },
      memory: { ...current.memory, ...stats.memory },
    };
  }

  /** Pushes a stats frame now to one or every session (queued for paused ones). */
  sendStats(sessionId?: string): void {
    for (const session of this.select(sessionId)) session.sendStats();
  }

  /** Pushes one playerUpdate per player with a track now, as the periodic timer does. */
  sendPlayerUpdates(sessionId?: string): void {
    for (const session of this.select(sessionId)) session.sendPlayerUpdates();
  }

  /** Re-evaluates track ends and resume windows against the injected clock now. */
  tick(): void {
    for (const session of [...this.node.sessions.values()]) session.tick();
  }

  /** Requests received for a route name of `Routes` (or `'websocket'`, `'unknown'`); all routes when omitted. */
  requestCount(route?: string): number {
    if (route !== undefined) return this.counts.get(route) ?? 0;
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /**
   * REST requests received and not answered yet, oldest first: held by a freeze, waiting out the
   * latency, or being handled. A test can tell which requests a frozen server is sitting on.
   */
  pendingRequests(): PendingRequest[] {
    return [...this.pending];
  }

  /** Requests per route name. */
  counters(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetCounters(): void {
    this.counts.clear();
  }

  /** Live sessions (connected or paused). */
  sessions(): EmulatedSessionInfo[] {
    return [...this.node.sessions.values()].map((session) => ({
      id: session.id,
      status: session.status === 'paused' ? 'paused' : 'connected',
      connected: session.status === 'connected',
      resuming: session.resuming,
      timeout: session.timeoutSeconds,
      playerCount: session.players.size,
      userId: session.userId,
      clientName: session.clientName,
    }));
  }

  /** The players of a session as `GET …/players` would return them (also for paused sessions); [] if unknown. */
  players(sessionId: string): LavalinkPlayer[] {
    const session = this.node.sessions.get(sessionId);
    return session === undefined ? [] : [...session.players.values()].map((player) => player.toJson());
  }

  /** One player as GET would return it, or undefined. */
  player(sessionId: string, guildId: string): LavalinkPlayer | undefined {
    return this.node.sessions.get(sessionId)?.players.get(guildId)?.toJson();
  }

  /** Ends the current track now with a TrackEndEvent; false when the player had no track. */
  finishTrack(sessionId: string, guildId: string, reason: TrackEndReason = 'finished'): boolean {
    const { session, player } = this.find(sessionId, guildId);
    return session.endTrack(player, reason);
  }

  /** Discord closed the voice connection: WebSocketClosedEvent, then a playerUpdate. */
  voiceClose(sessionId: string, guildId: string, code = 4006, reason = '', byRemote = true): void {
    const { session, player } = this.find(sessionId, guildId);
    emitVoiceClosed(session, player, code, reason, byRemote);
  }

  /** The track failed while playing: TrackExceptionEvent, then TrackEndEvent. False without a track. */
  trackException(sessionId: string, guildId: string, options?: TrackExceptionOptions): boolean {
    const { session, player } = this.find(sessionId, guildId);
    return emitTrackException(session, player, options);
  }

  /** The track got stuck: TrackStuckEvent, then a playerUpdate. False without a track. */
  trackStuck(sessionId: string, guildId: string, thresholdMs = 10_000): boolean {
    const { session, player } = this.find(sessionId, guildId);
    return emitTrackStuck(session, player, thresholdMs);
  }

  private select(sessionId: string | undefined): EmulatedSession[] {
    const all = [...this.node.sessions.values()];
    return sessionId === undefined ? all : all.filter((session) => session.id === sessionId);
  }

  private connected(sessionId: string | undefined): EmulatedSession[] {
    return this.select(sessionId).filter((session) => session.outbound !== null);
  }

  private find(sessionId: string, guildId: string): { session: EmulatedSession; player: EmulatedPlayer } {
    const session = this.node.sessions.get(sessionId);
    if (session === undefined) throw new Error(`The emulator has no session "${sessionId}"`);
    const player = session.players.get(guildId);
    if (player === undefined) throw new Error(`Session "${sessionId}" has no player for guild "${guildId}"`);
    return { session, player };
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`\`${name}\` must be >= 0 ms, received ${value}`);
  return value;
}
