/**
 * The Pool: owns the nodes and the players, chooses where each player goes, and keeps every player
 * playing when a node fails. It wires the pieces together; protocol logic lives in node/, selection
 * in pool/, failover in failover/, players in player/.
 */
import { TrackCache, resolveTrackCacheOptions } from './cache/track-cache.js';
import type { TrackCacheStats } from './cache/track-cache.js';
import { ErrorCodes, LavafleetError, asLavafleetError, invalidOption } from './errors.js';
import { FailoverManager } from './failover/failover.js';
import type { FailoverHost } from './failover/failover.js';
import type { NodeEvents } from './node/node-events.js';
import type { NodeOptions } from './node/node-options.js';
import { Node } from './node/node.js';
import { penaltyBreakdown, neutralStatsPenalty } from './node/penalty.js';
import type { PenaltyBreakdown } from './node/penalty.js';
import { Player } from './player/player.js';
import { Queue } from './player/queue.js';
import { createTrackInterner } from './player/player-snapshot.js';
import type { TrackInterner } from './player/player-snapshot.js';
import { StateManager } from './persistence/state-manager.js';
import type { SavedPlayer } from './persistence/snapshot.js';
import type { Playable, PlayerHost, PlayOptions } from './player/player.js';
import { VoiceConnection } from './player/voice-state.js';
import type { PoolEvents } from './pool/pool-events.js';
import { resolvePoolOptions } from './pool/pool-options.js';
import type { PoolOptions, ResolvedPoolOptions } from './pool/pool-options.js';
import type { NodeCandidate, SelectionRequest } from './pool/selection.js';
import { loadResultToTrack, requiredSource, toSearchIdentifier } from './pool/load.js';
import { VoiceGateway } from './pool/voice-gateway.js';
import type { LoadResult, Track } from './protocol/track.js';
import type { Clock, TimerHandle } from './util/clock.js';
import { TypedEmitter } from './util/typed-emitter.js';
import { requireSnowflake } from './util/validate.js';

/** Options of {@link Pool.join}. */
export interface JoinOptions {
  guildId: string;
  channelId: string;
  /** Shard of the guild, when the connector cannot tell. */
  shardId?: number;
  /** @defaultValue true */
  selfDeaf?: boolean;
  /** @defaultValue false */
  selfMute?: boolean;
  /** A node (or its identifier) instead of the best one. */
  node?: Node | string;
  /** Something to start playing at once: joined and playing in a single request. */
  play?: Playable;
  /** Options for `play`. */
  playOptions?: PlayOptions;
}

/** Per-node health, for dashboards and `pool.health()`. */
export interface NodeHealth {
  identifier: string;
  status: Node['status'];
  region: string | null;
  sessionId: string | null;
  canResume: boolean | null;
  latencyMs: number | null;
  players: number;
  penalty: PenaltyBreakdown | null;
  breaker: { state: string; failures: number; openUntil: number | null };
  stats: Node['stats'];
  draining: boolean;
}

/** Connection and failover counters. */
export interface PoolMetrics {
  nodes: NodeHealth[];
  players: number;
  parkedPlayers: number;
  disconnects: number;
  reconnects: number;
  failedReconnects: number;
  /** reconnects / (reconnects + failed reconnects), 1 when there were none. */
  reconnectSuccessRate: number;
  failovers: number;
  playersMoved: number;
  playersRestored: number;
  movesFailed: number;
  /** Track cache hits and misses, or null when the cache is disabled. */
  cache: TrackCacheStats | null;
}

interface NodeState {
  off: Array<() => void>;
  draining: boolean;
  placedSinceStats: number;
  /** The node's source managers from `/v4/info`, fetched after each ready; null until known. */
  sources: ReadonlySet<string> | null;
}

/** What a player looked like when last saved (see Pool's state manager). */
interface SavedAs {
  readonly node: Node;
  readonly sessionId: string | null;
  readonly queueVersion: number;
  readonly textChannelId: string | null;
  readonly data: Player['data'];
}

/**
 * A pool of Lavalink nodes and the players on them.
 * @example
 * const pool = new Pool({
 *   nodes: [{ identifier: 'main', uri: 'localhost:2333', password: 'youshallnotpass' }],
 *   connector: connectors.discordJs(client),
 * });
 * await pool.connect();
 * const player = await pool.join({ guildId, channelId, play: 'ytsearch:never gonna give you up' });
 */
export class Pool extends TypedEmitter<PoolEvents> {
  readonly options: ResolvedPoolOptions;
  readonly #nodes = new Map<string, Node>();
  readonly #nodeState = new Map<Node, NodeState>();
  readonly #players = new Map<string, Player>();
  readonly #failover: FailoverManager;
  readonly #voice: VoiceGateway;
  readonly #playerHost: PlayerHost;
  readonly #counters = { disconnects: 0, reconnects: 0, failedReconnects: 0 };
  /** The LFU cache of load results, or null when disabled. */
  readonly cache: TrackCache | null;
  #state: StateManager | null = null;
  #userId: string | null;
  #closed = false;
  /** The periodic read-back of every node's players (see `syncIntervalMs`). */
  #syncTimer: TimerHandle | undefined;
  /** Nodes whose read-back is in flight. */
  readonly #syncing = new Set<Node>();

  constructor(options: PoolOptions) {
    super();
    this.options = resolvePoolOptions(options);
    this.#userId = this.options.userId;
    this.cache = resolveTrackCacheOptions(this.options.cache)
      ? new TrackCache(this.options.cache || undefined, { clock: this.options.clock })
      : null;
    this.#playerHost = this.#createPlayerHost();
    this.#failover = new FailoverManager(this.#createFailoverHost());
    this.#voice = new VoiceGateway({
      connector: this.options.connector,
      clock: this.options.clock,
      timeoutMs: this.options.voiceTimeoutMs,
      userId: () => this.#userId,
      player: (guildId) => this.#players.get(guildId),
      isParked: (player) => this.#failover.parked.has(player),
      markDirty: (player) => this.#state?.markDirty(player.guildId),
      emitError: (error) => void this.emit('error', error),
    });
    for (const nodeOptions of this.options.nodes) this.addNode(nodeOptions);
  }

  /** The nodes by identifier. */
  get nodes(): ReadonlyMap<string, Node> {
    return this.#nodes;
  }
  /** The players by guild id. */
  get players(): ReadonlyMap<string, Player> {
    return this.#players;
  }
  /** The clock the pool runs on. */
  get clock(): Clock {
    return this.options.clock;
  }

  /** A node by identifier. */
  getNode(identifier: string): Node | undefined {
    return this.#nodes.get(identifier);
  }

  /** The player of a guild. */
  getPlayer(guildId: string): Player | undefined {
    return this.#players.get(guildId);
  }

  /**
   * Connects every node. Resolves when one node is ready (or all, with `waitForAllNodes`); nodes that
   * are down keep reconnecting in the background.
   */
  async connect(): Promise<void> {
    this.#assertOpen();
    this.#voice.listen();
    this.#userId ??= this.options.connector.getUserId() ?? (await this.options.connector.waitForUserId());
    if (this.options.store && !this.#state) {
      const state = (this.#state = this.#createStateManager(this.options.store, this.#userId));
      try {
        if (this.options.restoreOnConnect) await this.restoreState();
      } catch (error) {
        this.#state = null; // the store could not be read: the next connect() tries again
        throw error;
      }
      state.start();
    }
    const attempts = [...this.#nodes.values()].map((node) => this.#connectNode(node));
    if (this.options.syncIntervalMs > 0 && this.#syncTimer === undefined)
      this.#syncTimer = this.options.clock.setInterval(() => this.#syncAll(), this.options.syncIntervalMs);
    if (attempts.length === 0)
      throw new LavafleetError(
        ErrorCodes.NoNodeAvailable,
        'The pool has no nodes: pass `nodes` or call addNode()',
      );
    await (this.options.waitForAllNodes
      ? Promise.all(attempts)
      : Promise.any(attempts).catch((error: AggregateError) => {
          throw new LavafleetError(
            ErrorCodes.NoNodeAvailable,
            'No node could be connected; see `cause` for each node',
            { cause: error },
          );
        }));
  }

  /** Adds a node at runtime; it connects if the pool is connected. */
  addNode(options: NodeOptions): Node {
    this.#assertOpen();
    const node = new Node({
      // One clock for the pool and its nodes: resume re-syncs compare the node's and players' times.
      clock: this.options.clock,
      ...options,
      ...(this.#userId !== null && options.userId === undefined ? { userId: this.#userId } : {}),
    });
    if (this.#nodes.has(node.identifier)) {
      throw invalidOption(
        'type',
        'identifier',
        `a unique node identifier ('${node.identifier}' exists)`,
        node.identifier,
      );
    }
    this.#nodes.set(node.identifier, node);
    this.#nodeState.set(node, {
      off: this.#wireNode(node),
      draining: false,
      placedSinceStats: 0,
      sources: null,
    });
    if (this.#voice.isListening && this.#userId !== null) void this.#connectNode(node).catch(() => undefined);
    return node;
  }

  /** Removes a node; with `movePlayers` (the default) its players move to other nodes first (a graceful drain). */
  async removeNode(identifier: string, { movePlayers = true } = {}): Promise<void> {
    const node = this.#nodes.get(identifier);
    if (!node) return;
    const state = this.#nodeState.get(node);
    if (state) state.draining = true;
    if (movePlayers) await this.#failover.evacuate(node, 'drain');
    // Each move deleted the player it left there (or Lavalink would keep it playing for the resume
    // timeout once the node is closed): those requests go out before the node's REST client closes.
    await this.#failover.deletionsSettled(node);
    for (const player of this.#playersOn(node)) await player.destroy('destroyed');
    state?.off.forEach((off) => off());
    this.#nodeState.delete(node);
    this.#nodes.delete(identifier);
    await node.close();
  }

  /** The best node for a new player, or undefined when none can take players. */
  bestNode(request: Partial<SelectionRequest> = {}): Node | undefined {
    return this.#select(
      { region: request.region ?? null, ...(request.guildId ? { guildId: request.guildId } : {}) },
      new Set(),
    );
  }

  /**
   * Joins a voice channel and resolves with a ready player once Discord sent the voice state and voice
   * server updates and Lavalink accepted them. With `play`, the player is created playing, in one request.
   */
  async join(options: JoinOptions): Promise<Player> {
    this.#assertOpen();
    const guildId = requireSnowflake('guildId', options.guildId);
    const channelId = requireSnowflake('channelId', options.channelId);
    const existing = this.#players.get(guildId);
    if (existing) {
      if (existing.voice.channelId !== channelId) await this.#voice.send(guildId, channelId, options);
      return existing;
    }
    const voice = new VoiceConnection(channelId);
    await this.#voice.join(guildId, voice, options);
    const node = this.#chooseNode(options.node, voice.region, guildId);
    const player = new Player({
      guildId,
      node,
      voice,
      host: this.#playerHost,
      shardId: options.shardId ?? null,
      selfDeaf: options.selfDeaf ?? true,
      selfMute: options.selfMute ?? false,
    });
    this.#players.set(guildId, player);
    this.#state?.markDirty(guildId);
    this.#placed(node);
    try {
      if (options.play !== undefined) await player.play(options.play, options.playOptions);
      else await player.sendVoice();
    } catch (error) {
      this.#players.delete(guildId);
      // Lavalink creates the player (and connects voice) before it refuses a track, and the bot is in
      // the channel: undo both, so a failed join leaves nothing behind.
      await Promise.allSettled([node.rest.destroyPlayer(guildId), this.#voice.send(guildId, null, options)]);
      throw error;
    }
    this.#state?.saveSoon();
    return player;
  }

  /** Loads tracks from the best node (a query without prefix is searched on `defaultSearchSource`). */
  async load(query: string, { source }: { source?: string } = {}): Promise<LoadResult> {
    const identifier = toSearchIdentifier(query, source ?? this.options.defaultSearchSource);
    const cached = this.cache?.get(identifier);
    if (cached) return cached;
    // The best node able to serve it: one whose source managers include what the identifier needs
    // (nodes whose info is not known yet may try); any ready node when none says it can.
    const needed = requiredSource(identifier);
    const unable = new Set<Node>();
    for (const candidate of this.#nodes.values()) {
      const sources = this.#nodeState.get(candidate)?.sources;
      if (needed !== null && sources != null && !sources.has(needed)) unable.add(candidate);
    }
    const node = this.#select({ region: null }, unable) ?? this.bestNode() ?? this.#anyReadyNode();
    if (!node)
      throw new LavafleetError(
        ErrorCodes.NoNodeAvailable,
        'No node is connected to load tracks; wait for pool.connect()',
      );
    const result = await node.rest.loadTracks(identifier);
    this.cache?.set(identifier, result);
    return result;
  }

  /** Saves the players that changed (each with its node session id) now. */
  async saveState(): Promise<void> {
    await this.#state?.save();
  }

  /**
   * Reads the saved players this process owns (`ownsGuild`): each node gets the session id its saved
   * players were in (so it resumes the same Lavalink session) and each player is re-attached. Players
   * of resumed sessions keep playing without a gap; the others are re-created on the best node at the
   * estimated position and re-join voice. `playersRestored` reports them as they come back. Called by
   * `connect()` unless `restoreOnConnect` is false; before `connect()` it resolves 0. Resolves with the
   * number of players restored.
   *
   * Processes sharing a store (shard clusters over one Redis) must own disjoint guilds: ownership is
   * `ownsGuild`, not a lock in the store. Sharding gives that for free, since Discord routes a guild's
   * voice to the one shard that has it; each process then saves, restores and clears only its guilds
   * and resumes only its own sessions (sessions are saved per player, see `SavedPlayer`).
   */
  async restoreState(): Promise<number> {
    const state = this.#state;
    if (!state) return 0;
    const { players, sessions } = await state.restore();
    for (const node of this.#nodes.values()) {
      const sessionId = sessions.get(node.identifier);
      if (sessionId !== undefined && node.status === 'disconnected' && node.sessionId === null)
        node.setSessionId(sessionId);
    }
    let count = 0;
    // One object per distinct track across every restored queue, not a parsed copy per occurrence.
    const intern = createTrackInterner();
    const resuming = new Set<Node>();
    for (const snapshot of players) {
      if (this.#players.has(snapshot.guildId)) continue;
      const node = this.#nodes.get(snapshot.node);
      const resumable =
        snapshot.sessionId !== null && node?.sessionId === snapshot.sessionId && !node.isReady;
      if (this.#restorePlayer(snapshot, resumable, intern)) count += 1;
      if (resumable) resuming.add(node);
    }
    for (const node of resuming) this.#failover.watchHandshake(node);
    // Restored after connect() (restoreOnConnect: false): re-create the parked ones now.
    if (count > 0 && this.#anyReadyNode()) this.#failover.retryParked();
    return count;
  }

  /** Deletes the saved players of this bot that this process owns (`ownsGuild`). */
  async clearState(): Promise<void> {
    await this.#state?.clear();
  }

  /** Health of every node. */
  health(): NodeHealth[] {
    const candidates = [...this.#nodes.values()].map((node) => this.#candidate(node));
    const neutral = neutralStatsPenalty(candidates);
    return [...this.#nodes.values()].map((node, i) => {
      const breaker = node.breaker;
      return {
        identifier: node.identifier,
        status: node.status,
        region: node.region,
        sessionId: node.sessionId,
        canResume: node.canResume,
        latencyMs: node.latencyMs,
        players: this.#playersOn(node).length,
        penalty: node.isReady ? penaltyBreakdown(candidates[i]!, neutral) : null,
        breaker: { state: breaker.state, failures: breaker.failures, openUntil: breaker.openUntil },
        stats: node.stats,
        draining: this.#nodeState.get(node)?.draining ?? false,
      };
    });
  }

  /** Health plus connection and failover counters. */
  metrics(): PoolMetrics {
    const { reconnects, failedReconnects } = this.#counters;
    const total = reconnects + failedReconnects;
    return {
      nodes: this.health(),
      players: this.#players.size,
      parkedPlayers: this.#failover.parked.size,
      ...this.#counters,
      reconnectSuccessRate: total === 0 ? 1 : reconnects / total,
      ...this.#failover.counters,
      cache: this.cache?.stats() ?? null,
    };
  }

  /** Closes every node and stops every timer. Players stay on Lavalink while their sessions can resume. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Deaf to the nodes first: a node that comes back while the final save runs must not get players
    // re-created in a session the save does not name (soak seed 12: 92 guilds played on twice).
    for (const state of this.#nodeState.values()) state.off.forEach((off) => off());
    this.#voice.destroy();
    this.#failover.destroy();
    this.options.clock.clearInterval(this.#syncTimer);
    this.#syncTimer = undefined;
    for (const player of this.#players.values()) player.stopTimers();
    if (this.#state) {
      // Save every player, so positions are exact for the next start.
      this.#state.stop();
      for (const guildId of this.#players.keys()) this.#state.markDirty(guildId);
      await this.#state
        .save()
        .catch((error: unknown) => this.emit('error', asLavafleetError(error, 'saving state on close')));
      // Only the default store is the pool's to close; a store the bot passed in is the bot's.
      if (this.options.ownsStore) {
        await this.options.store
          ?.close()
          .catch((error: unknown) => this.emit('error', asLavafleetError(error, 'closing the store')));
      }
    }
    await Promise.all([...this.#nodes.values()].map((node) => node.close()));
  }

  // ---- internals ----

  #connectNode(node: Node): Promise<void> {
    if (node.userId === null && this.#userId !== null) node.setUserId(this.#userId);
    return node.connect();
  }

  #wireNode(node: Node): Array<() => void> {
    const forward = <K extends keyof NodeEvents>(event: K, as: keyof PoolEvents) =>
      node.on(event, (payload) => void this.emit(as, payload as never));
    let wasConnected = false;
    return [
      node.on('playerUpdate', (message) => {
        const player = this.#players.get(message.guildId);
        if (player?.node === node) player.handleUpdate(message.state, node.playerUpdateAt);
        else if (player) this.#failover.strayCopy(node, player);
      }),
      node.on('event', (message) => {
        // The end of an old copy that failover deleted on this node, not of the player there now.
        if (
          message.type === 'TrackEndEvent' &&
          message.reason === 'stopped' &&
          this.#failover.takeCopyEnd(node, message.guildId)
        )
          return;
        const player = this.#players.get(message.guildId);
        if (player?.node === node) player.handleEvent(message);
        else if (player && message.type === 'TrackStartEvent') this.#failover.strayCopy(node, player);
      }),
      node.on('stats', () => {
        const state = this.#nodeState.get(node);
        if (state) state.placedSinceStats = 0;
      }),
      node.on('statusChange', ({ from, to }) => {
        if (from === 'connected') {
          wasConnected = true;
          this.#counters.disconnects += 1;
          this.#failover.nodeDown(node);
        } else if (to === 'disconnected' && wasConnected) this.#failover.nodeDown(node);
        // Players restored onto a node that has not connected yet: the same policy as a lost socket.
        else if (!wasConnected && (to === 'reconnecting' || to === 'disconnected'))
          this.#failover.nodeDown(node);
      }),
      node.on('ready', ({ resumed }) => {
        setImmediate(() => this.#readSources(node)); // not on the path to connect() resolving
        if (wasConnected) this.#counters.reconnects += 1;
        this.#failover.nodeReady(node, resumed);
      }),
      node.on('reconnecting', ({ attempt }) => {
        if (attempt > 1) this.#counters.failedReconnects += 1;
      }),
      node.on('resumed', ({ players, requestedAt }) => this.#reconcile(node, players, requestedAt, true)),
      node.on('sessionLost', () => this.#failover.sessionLost(node)),
      node.on('pongOverdue', () => this.#failover.pongOverdue(node)),
      node.on('disconnect', ({ refused }) => refused && this.#failover.connectionRefused(node)),
      node.on('breakerChange', ({ to }) => {
        if (to === 'closed' && node.isReady) this.#failover.nodeRecovered();
      }),
      node.on('error', (error) => void this.emit('error', error)),
      node.relayTo(this),
      node.on('raw', (event) => void this.emit('raw', event)),
      forward('ready', 'nodeReady'),
      forward('connect', 'nodeConnect'),
      forward('disconnect', 'nodeDisconnect'),
      forward('reconnecting', 'nodeReconnecting'),
      forward('reconnectExhausted', 'nodeReconnectExhausted'),
      forward('statusChange', 'nodeStatusChange'),
      forward('stats', 'nodeStats'),
      forward('resumed', 'nodeResumed'),
      forward('sessionLost', 'nodeSessionLost'),
      forward('breakerChange', 'nodeBreakerChange'),
      forward('pongOverdue', 'nodePongOverdue'),
    ];
  }

  /** Reads which sources the node can load (`/v4/info`), for `load()`'s node choice. */
  #readSources(node: Node): void {
    if (!node.isReady || !this.#nodeState.has(node)) return;
    node.info().then(
      (info) => {
        const state = this.#nodeState.get(node);
        if (state) state.sources = new Set(info.sourceManagers);
      },
      (error: unknown) => {
        // Cancelled by the pool's own close, or the node was removed meanwhile: nothing to report.
        if (this.#closed || !this.#nodeState.has(node)) return;
        this.emit('error', asLavafleetError(error, `reading /v4/info of node ${node.identifier}`));
      },
    );
  }

  /**
   * Reads every ready node's players back and reconciles them with the pool's (see `syncIntervalMs`):
   * a request that went missing (a start given up on, a node that lost a player by itself) leaves a
   * player the pool believes plays but the server has silent, which nothing else would notice.
   */
  #syncAll(): void {
    for (const node of this.#nodes.values()) {
      if (!node.isReady || this.#syncing.has(node) || this.#playersOn(node).length === 0) continue;
      const sessionId = node.sessionId;
      const requestedAt = this.options.clock.now();
      this.#syncing.add(node);
      node.rest
        .getPlayers()
        .then(
          (players) => {
            if (!this.#closed && node.isReady && node.sessionId === sessionId)
              this.#reconcile(node, players, requestedAt, false);
          },
          (error: unknown) => {
            // The next read-back tries again; a node that fails for good is failover's business.
            if (this.hasListeners('debug'))
              this.emit('debug', {
                scope: 'pool',
                message: 'reading the players back failed',
                data: { node: node.identifier, error: String(error) },
              });
          },
        )
        .finally(() => this.#syncing.delete(node));
    }
  }

  /**
   * Reconciles the pool's players on `node` with the server's list (`serverPlayers`, asked for at
   * `requestedAt`), after a resume (`resumed`) or a periodic read-back: players the server lacks or
   * has silent are re-created; after a resume, whatever else the session holds is deleted; on a
   * read-back, only copies of players the pool has on another node are (a guild being joined may be
   * on the server before it is in the pool).
   */
  #reconcile(
    node: Node,
    serverPlayers: Parameters<Player['syncFromServer']>[0][],
    requestedAt: number,
    resumed: boolean,
  ): void {
    const onServer = new Map(serverPlayers.map((p) => [p.guildId, p]));
    const attached: Player[] = [];
    const missing: Player[] = [];
    for (const player of this.#playersOn(node)) {
      // Being moved here, or moved here after the list was asked for: the list predates the move,
      // which carried everything (re-creating it from the list would replay an old state).
      if (this.#failover.isMoving(player) || player.placedAfter(requestedAt)) continue;
      const server = onServer.get(player.guildId);
      if (!server) missing.push(player);
      else if (server.track === null && player.track !== null) {
        // The server's player went idle while the socket was down, and its events were lost with the
        // socket: a track that ran out advances the queue; a track that never started is replayed.
        const lost = player.trackLostOnServer(requestedAt);
        if (lost === 'replay') missing.push(player);
        else {
          // 'starting': the next track's request is on its way; the server state read predates it.
          player.syncVoiceState(server);
          if (lost === 'ended') player.endLostTrack();
          attached.push(player);
        }
      } else {
        // The server read its state between the request and the reply: when, its clock says.
        player.syncFromServer(
          server,
          requestedAt,
          Math.max(requestedAt, node.localTimeOf(server.state.time)),
        );
        attached.push(player);
      }
    }
    if (resumed)
      this.#failover.cleanGhosts(
        node,
        [...onServer.keys()].filter((guildId) => this.#players.get(guildId)?.node !== node),
      );
    else
      for (const guildId of onServer.keys()) {
        const player = this.#players.get(guildId);
        if (player && player.node !== node) this.#failover.strayCopy(node, player);
      }
    this.#failover.resumed(node, attached);
    const recreations = missing.map(async (player) =>
      (await this.#failover.recreateOrMove(player, node)) === node ? player : undefined,
    );
    void Promise.all(recreations).then((recreated) =>
      this.#failover.resumed(
        node,
        recreated.filter((player) => player !== undefined),
      ),
    );
  }

  #chooseNode(requested: Node | string | undefined, region: string | null, guildId: string): Node {
    if (requested !== undefined) {
      const node = typeof requested === 'string' ? this.#nodes.get(requested) : requested;
      if (!node || !this.#nodes.has(node.identifier))
        throw invalidOption(
          'type',
          'node',
          'a node of this pool',
          typeof requested === 'string' ? requested : requested.identifier,
        );
      if (!node.isReady)
        throw new LavafleetError(
          ErrorCodes.NodeNotReady,
          `Node ${node.identifier} is ${node.status}; choose a connected node`,
        );
      return node;
    }
    const node = this.#select({ region, guildId }, new Set());
    if (!node)
      throw new LavafleetError(
        ErrorCodes.NoNodeAvailable,
        'No node can take players right now (none connected, or all failing/draining); retry shortly',
      );
    return node;
  }

  #select(request: SelectionRequest, exclude: ReadonlySet<Node>): Node | undefined {
    const candidates: NodeCandidate[] = [];
    for (const node of this.#nodes.values()) {
      if (exclude.has(node) || !this.#canTakePlayers(node)) continue;
      candidates.push(this.#candidate(node));
    }
    return this.options.selectNode(candidates, request)?.node;
  }

  #canTakePlayers(node: Node): boolean {
    if (!node.isReady || (this.#nodeState.get(node)?.draining ?? true)) return false;
    // An open breaker whose cooldown is over lets players go again as its probe (it turns halfOpen):
    // their REST answers close it, or open it again.
    return node.breaker.state !== 'open' || node.breaker.canAttempt();
  }

  /** 0 when a node can take players now, else ms until an open breaker of a ready node lets them go, or null. */
  #nextPlacementInMs(): number | null {
    let soonest: number | null = null;
    for (const node of this.#nodes.values()) {
      // Asked without canAttempt(), which would grant an open breaker's probe to nobody.
      const draining = this.#nodeState.get(node)?.draining ?? true;
      if (node.isReady && !draining && node.breaker.state === 'closed') return 0;
      const until = node.breaker.openUntil;
      if (!node.isReady || until === null) continue;
      const inMs = Math.max(0, until - this.options.clock.now());
      if (soonest === null || inMs < soonest) soonest = inMs;
    }
    return soonest;
  }

  #candidate(node: Node): NodeCandidate {
    return {
      node,
      identifier: node.identifier,
      region: node.region,
      stats: node.stats,
      latencyMs: node.latencyMs,
      failures: node.breaker.failures,
      placedSinceStats: this.#nodeState.get(node)?.placedSinceStats ?? 0,
    };
  }

  #placed(node: Node): void {
    const state = this.#nodeState.get(node);
    if (state) state.placedSinceStats += 1;
  }

  #playersOn(node: Node): Player[] {
    const players: Player[] = [];
    for (const player of this.#players.values()) if (player.node === node) players.push(player);
    return players;
  }

  #anyReadyNode(): Node | undefined {
    for (const node of this.#nodes.values()) if (node.isReady) return node;
    return undefined;
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new LavafleetError(ErrorCodes.NodeClosed, 'The pool was closed; create a new Pool');
  }

  #createPlayerHost(): PlayerHost {
    return {
      clock: this.options.clock,
      emit: (event, payload) => void this.emit(event, payload as PoolEvents[typeof event]),
      emitError: (error) => void this.emit('error', error),
      resolveTrack: async (query: string): Promise<Track> => loadResultToTrack(await this.load(query), query),
      move: (player, target, reason) => this.#failover.move(player, target, reason),
      sendVoiceUpdate: (player, channelId) => this.#voice.sendForPlayer(player, channelId),
      forget: (player) => {
        if (this.#players.get(player.guildId) === player) {
          this.#players.delete(player.guildId);
          this.#state?.markRemoved(player.guildId);
        }
        this.#failover.forget(player);
      },
      markDirty: (player) => this.#state?.markDirty(player.guildId),
    };
  }

  #createStateManager(store: NonNullable<ResolvedPoolOptions['store']>, userId: string): StateManager {
    // What a player looked like when last saved, for changes that do not mark it dirty: its queue is
    // plain data edited in place, failover moves it without telling persistence, and `textChannelId`
    // and `data` are plain fields (a `data` object changed in place is saved with the next change).
    // Compared field by field: a string key built per player per save cost 5 ms a save with 10,000
    // players, saves come every 100 ms while players move (a restore), and a third of a second went to it.
    const savedAs = new WeakMap<Player, SavedAs>();
    // The session of every node that has one (see SavedPlayer.nodeSessions): a few entries per save.
    // A node reconnecting counts too: its server may hold the session paused, with copies the pool
    // does not know of (a move given up there and applied late), and a bot saved in that moment named
    // it nowhere (soak seed 2026: 63 guilds on two servers after a restart during a blip). A session
    // the server no longer has costs the next bot one handshake that gets a new one.
    const nodeSessions = (): Record<string, string> => {
      const sessions: Record<string, string> = {};
      for (const node of this.#nodes.values())
        if (node.sessionId !== null) sessions[node.identifier] = node.sessionId;
      return sessions;
    };
    const savedAsNow = (player: Player): SavedAs => ({
      node: player.node,
      sessionId: player.node.sessionId,
      queueVersion: player.queue.version,
      textChannelId: player.textChannelId,
      data: player.data,
    });
    const isUnchanged = (player: Player, saved: SavedAs | undefined): boolean =>
      saved !== undefined &&
      saved.node === player.node &&
      saved.sessionId === player.node.sessionId &&
      saved.queueVersion === player.queue.version &&
      saved.textChannelId === player.textChannelId &&
      saved.data === player.data;
    return new StateManager({
      store,
      prefix: `lavafleet/${userId}/`,
      intervalMs: this.options.stateSaveIntervalMs,
      clock: this.options.clock,
      owns: this.options.ownsGuild,
      snapshot: (guildId) => {
        const player = this.#players.get(guildId);
        if (!player) return null;
        savedAs.set(player, savedAsNow(player));
        const formerSession = this.#failover.leftBehind(player);
        const saved = { ...player.toJSON(), sessionId: player.node.sessionId, nodeSessions: nodeSessions() };
        return formerSession ? { ...saved, formerSession } : saved;
      },
      collectChanges: (markDirty) => {
        for (const player of this.#players.values()) {
          if (!isUnchanged(player, savedAs.get(player))) markDirty(player.guildId);
        }
      },
      onError: (error) => void this.emit('error', error),
      onSave: (info) => void this.emit('stateSaved', info),
    });
  }

  /**
   * Re-attaches a saved player. On a node whose saved session may resume, it waits for the resume
   * (or the session-lost re-creation); anywhere else it is parked and re-created on the first ready
   * node, then re-joins voice through the connector (the old Discord voice session died with the bot).
   */
  #restorePlayer(snapshot: SavedPlayer, resumable: boolean, intern: TrackInterner): Player | null {
    let queue: Queue;
    try {
      queue = Queue.fromJSON(snapshot.queue, intern);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `The saved queue of guild ${snapshot.guildId} was skipped (${reason}); the player restores with an empty queue`;
      this.emit('error', new LavafleetError(ErrorCodes.Store, message, { cause: error }));
      queue = new Queue();
    }
    const savedNode = this.#nodes.get(snapshot.node);
    const node = savedNode ?? this.#nodes.values().next().value;
    if (!node) return null;
    const player = new Player({
      guildId: snapshot.guildId,
      node,
      voice: VoiceConnection.from(snapshot.voice),
      host: this.#playerHost,
      shardId: snapshot.shardId,
      selfDeaf: snapshot.selfDeaf,
      selfMute: snapshot.selfMute,
      queue,
    });
    player.restoreState(snapshot, intern);
    this.#players.set(player.guildId, player);
    this.#failover.restoring(player);
    if (!savedNode || !resumable) {
      this.#failover.park(player);
      // Its session is gone: ask Discord for a fresh voice session now, while the nodes connect.
      void this.#voice.rejoin(player);
    }
    return player;
  }

  #createFailoverHost(): FailoverHost {
    return {
      clock: this.options.clock,
      options: this.options.failover,
      playersOn: (node) => this.#playersOn(node),
      nextPlacementInMs: () => this.#nextPlacementInMs(),
      probeOpenBreakers: async (timeoutMs) => {
        const open = [...this.#nodes.values()].filter(
          (node) => node.isReady && node.breaker.state === 'open',
        );
        await Promise.all(
          open.map((node) =>
            node.rest.version({ timeoutMs, retries: 0 }).then(
              () => undefined,
              () => undefined,
            ),
          ),
        );
      },
      selectFor: (player, exclude) =>
        this.#select({ region: player.voice.region, guildId: player.guildId }, exclude),
      placed: (node) => this.#placed(node),
      emit: (event, payload) => {
        this.emit(event, payload as never);
        // A player in a new session is, like a new player, what a restart cannot make up for: a bot
        // killed before saving it would resume the old session and never learn of the new copy,
        // which plays on in its paused session (soak seed 22).
        if (event === 'playerMoved' || event === 'playersRestored') this.#state?.saveSoon();
      },
      rejoinVoice: (player) => this.#voice.rejoin(player),
      debug: (message, data) => {
        if (this.hasListeners('debug'))
          this.emit(
            'debug',
            data ? { scope: 'failover', message, data: data() } : { scope: 'failover', message },
          );
      },
    };
  }
}
