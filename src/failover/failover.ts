/**
 * Moving players off a failing node, only when moving helps.
 *
 * When a node's socket drops, Lavalink usually keeps playing and a resume keeps everything, so a
 * move would only cause a gap. The decision:
 *
 *   socket lost ──▶ probe GET /version (probeTimeoutMs)
 *                    ├─ no answer (refused, reset, frozen, 5xx) ──────────────▶ move now
 *                    └─ answers ──▶ wait for the resume (resumeWaitMs)
 *                                    ├─ ready, resumed ────────────────────▶ stay (no gap)
 *                                    ├─ ready, session lost ───────────────▶ re-create (best node)
 *                                    ├─ a reconnect refused (nothing listens) ─▶ move now
 *                                    └─ still down when the wait ends ─────▶ move
 *   pong overdue, socket open ──▶ the same probe, earlier
 *                    ├─ no answer, pong still overdue ──▶ drop the socket ──▶ move now
 *                    └─ answers (the probe or anything else), or the pong came ─▶ stay (heartbeat decides)
 *   node disconnected for good (close, wrong password, exhausted) ─────────▶ move now
 *
 * A move re-creates the player on the best other node in one request, at the position estimated
 * from the last update plus the time since. Moves run with an adaptive bound on concurrency (raised
 * when the target answers slowly, see move-concurrency.ts), and avoid a target that stopped
 * answering while another can take them (see target-stalls.ts), giving up the moves that hang
 * there (stalled-moves.ts); a move that fails
 * is tried on the next node; with no node left the player is parked and re-created as soon as any
 * node is ready. When a node comes back with its session, every player in that session that the
 * pool does not have on that node is deleted there: moved away meanwhile (by this process or by the
 * one before a restart), or destroyed while the node was down. Otherwise they would play twice.
 */
import { ErrorCodes, LavafleetError } from '../errors.js';
import type { Node } from '../node/node.js';
import type { MoveReason, PlayerEvents } from '../player/player-events.js';
import type { Player } from '../player/player.js';
import type { PoolOwnEvents } from '../pool/pool-events.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { MoveConcurrency, MoveLoad, runAdaptive } from './move-concurrency.js';
import { backoffDelay } from '../resilience/backoff.js';
import type { BackoffPolicy } from '../resilience/backoff.js';
import { TargetStalls, isSlowTarget, stallThresholdMs } from './target-stalls.js';
import { MoveGivenUp, StalledMoves } from './stalled-moves.js';

/** Retries of parked players while a node could take them, and probes of open breakers meanwhile. */
const PARKED_BACKOFF: BackoffPolicy = Object.freeze({ baseDelayMs: 100, maxDelayMs: 5_000, jitter: 'none' });
/** How often one move may be given up on silent targets before they are ruled out for it. */
const MAX_GIVE_UPS = 2;
/** How long after a deletion's answer its `TrackEndEvent(stopped)` may still arrive over the socket. */
const COPY_END_GRACE_MS = 5_000;

export interface FailoverHost {
  readonly clock: Clock;
  readonly options: {
    enabled: boolean;
    probeTimeoutMs: number;
    resumeWaitMs: number;
    concurrency: number;
    maxConcurrency: number;
  };
  playersOn(node: Node): Player[];
  /**
   * Ms until some node may take players: 0 when one can now, the time until the first open breaker
   * of a ready node lets players go again, or null when no node is ready.
   */
  nextPlacementInMs(): number | null;
  /** The best node for the player that is not in `exclude`, or undefined. No side effect. */
  selectFor(player: Player, exclude: ReadonlySet<Node>): Node | undefined;
  /** A player is being sent to `node` (counted until its next stats frame, see penalty.ts). */
  placed(node: Node): void;
  /**
   * Asks each ready node whose breaker is open for its version (one request, no retry): an answer
   * closes the breaker. Resolves when every probe settled; never rejects.
   */
  probeOpenBreakers(timeoutMs: number): Promise<void>;
  emit<K extends keyof (PlayerEvents & PoolOwnEvents)>(
    event: K,
    payload: (PlayerEvents & PoolOwnEvents)[K],
  ): void;
  debug(message: string, data?: () => Record<string, unknown>): void;
  /**
   * Asks Discord for a fresh voice session for a player restored after a bot restart (its old one
   * died with the bot); resolves, never rejects, when it arrived or timed out.
   */
  rejoinVoice(player: Player): Promise<void>;
}

/** Counters for metrics. */
export interface FailoverCounters {
  failovers: number;
  playersMoved: number;
  playersRestored: number;
  movesFailed: number;
}

export class FailoverManager {
  readonly #host: FailoverHost;
  /** Nodes being probed (undefined) or waiting for a resume, with the timer that gives up. */
  readonly #waiting = new Map<Node, TimerHandle | undefined>();
  /** Players with no node to go to, re-created when any node is ready. */
  readonly #parked = new Set<Player>();
  /** The next retry of the parked players (see {@link #retryParkedLater}). */
  #parkedRetry: TimerHandle | undefined;
  /** When {@link #parkedRetry} fires (epoch ms). */
  #parkedRetryAt = 0;
  /** Retries of parked players in a row that restored none: the backoff's exponent. */
  #parkedRetries = 0;
  /** The next probe of open breakers while players are parked (see {@link #probeBreakersLater}). */
  #breakerProbe: TimerHandle | undefined;
  /** Probes in a row: the exponent of their backoff. */
  #breakerProbes = 0;
  #destroyed = false;
  /** Players whose move is under way (a second trigger must not move them twice). */
  readonly #moving = new Set<Player>();
  /** The move (or re-creation) under way per player, for a manual move to wait for (see {@link move}). */
  readonly #runs = new Map<Player, Promise<unknown>>();
  /** The players still to move over the runs under way: they share the CPU (see MoveLoad). */
  readonly #moveLoad = new MoveLoad();
  /** Re-creations in flight per target, to tell a target that stopped answering (target-stalls.ts). */
  readonly #stalls = new TargetStalls<Node, Player>((node) => stallThresholdMs(node.restLatencyMs));
  /** Gives up the moves hanging on a stalled target while another node can take them (stalled-moves.ts). */
  readonly #stalledMoves: StalledMoves;
  /**
   * Players restored from a store after a bot restart and not yet back on a node: they count in
   * `playersRestored` once back, and get a fresh voice session from Discord before they are re-created.
   */
  readonly #restoring = new Set<Player>();
  /**
   * Deletions of old copies in flight, per node and guild. A re-creation of that guild on that node
   * waits for its deletion: requests on different connections can overtake each other, and a late
   * DELETE would remove the new player.
   */
  readonly #deletions = new Map<Node, Map<string, Promise<void>>>();
  /**
   * The `TrackEndEvent(stopped)` each deletion of an old copy makes Lavalink send, per node and guild,
   * with until when it is expected (Infinity while the DELETE is in flight). It is the copy's end, not
   * the player's: when the player is re-created on that node meanwhile (a parked player whose old node
   * came back), the event can arrive after the re-creation, and taken as its own it left the player
   * believing it was idle while the server played on (soak seed 5).
   */
  readonly #copyEnds = new Map<Node, Map<string, number>>();
  /**
   * Players moved off a node that was down while its Lavalink session may still hold (and play) them,
   * with that session: saved with the player, so a bot restarted before the node came back resumes
   * the session and deletes the copy left there (see {@link leftBehind}).
   */
  readonly #leftBehind = new Map<Player, { node: string; sessionId: string }>();
  readonly counters: FailoverCounters = { failovers: 0, playersMoved: 0, playersRestored: 0, movesFailed: 0 };

  constructor(host: FailoverHost) {
    this.#host = host;
    this.#stalledMoves = new StalledMoves(host, this.#stalls);
  }

  /** Players waiting for a node. */
  get parked(): ReadonlySet<Player> {
    return this.#parked;
  }

  /** The node left `connected`. */
  nodeDown(node: Node): void {
    if (!this.#host.options.enabled || this.#waiting.has(node)) return;
    if (node.status === 'disconnected') {
      void this.evacuate(node, 'failover');
      return;
    }
    this.#startProbe(node);
  }

  /**
   * A ping of `node` has had no pong for a while (see pongOverdueMs in node.ts): the probe a lost
   * socket gets starts now, while the heartbeat still waits. A server that answers is left alone
   * (the heartbeat decides); one that answers neither the ping nor the probe is dropped and its
   * players move at once, instead of a heartbeat timeout later plus a probe after it (the soak's
   * freezes: 0.4-0.8 s of detection, then 0.3 s of probe).
   */
  pongOverdue(node: Node): void {
    if (!this.#host.options.enabled || this.#waiting.has(node) || !node.isReady) return;
    this.#startProbe(node); // the same slot as a lost socket's probe: a drop meanwhile does not probe again
  }

  /**
   * A reconnect attempt to `node` was refused: nothing listens there. The server is down or
   * restarting, and a Lavalink process that restarts has lost its sessions, so waiting for a resume
   * only keeps the players silent: they move now. The probe may have found the server alive just
   * before (soak seed 41: a node killed right after it answered the probe kept 750 restored players
   * waiting for the whole `resumeWaitMs`).
   */
  connectionRefused(node: Node): void {
    // Waiting for the resume (not probing: a probe of a server that went away fails by itself).
    if (this.#host.options.enabled && this.#waiting.get(node) !== undefined)
      void this.evacuate(node, 'failover');
  }

  /** The node is ready again (resumed or not: a resumed session is cleaned by {@link cleanGhosts}). */
  nodeReady(node: Node, resumed: boolean): void {
    this.#stopWaiting(node);
    // Not resumed: the session is gone, and its copies with it. Resumed: the copies are deleted now
    // (cleanGhosts), and each is forgotten once its deletion is answered, not before: a bot stopped
    // meanwhile must still save the session, so that the next one resumes it and deletes them (soak
    // seed 5: 98 copies played on after a restart).
    for (const [player, left] of this.#leftBehind)
      if (left.node === node.identifier && (!resumed || left.sessionId !== node.sessionId))
        this.#leftBehind.delete(player);
    // Parked players still on this node (their moves failed) play on in the resumed session: the
    // resume re-attaches them (or re-creates them there). Moving them elsewhere would leave a copy.
    if (resumed) for (const player of this.#parked) if (player.node === node) this.#parked.delete(player);
    if (this.#parked.size > 0) void this.#restoreParked();
  }

  /**
   * Deletes the players of a resumed session that the pool does not have on `node` (`serverGuilds`):
   * moved away while the node was down, by this process or by the one before a restart (whose record
   * of them died with it), or destroyed meanwhile. The session is this bot's, so nothing in it that
   * the pool does not drive there may keep playing.
   */
  cleanGhosts(node: Node, serverGuilds: readonly string[]): void {
    const copies = new Set(serverGuilds);
    const leftHere = new Map<string, [Player, { node: string; sessionId: string }]>();
    for (const [player, left] of this.#leftBehind) {
      if (left.node !== node.identifier) continue;
      if (copies.has(player.guildId)) leftHere.set(player.guildId, [player, left]);
      else this.#leftBehind.delete(player); // no copy there (any more): nothing to delete
    }
    for (const guildId of serverGuilds) {
      const entry = leftHere.get(guildId);
      this.#deleteOn(node, guildId, () => {
        // Unless it moved again meanwhile, leaving another copy somewhere.
        if (entry && this.#leftBehind.get(entry[0]) === entry[1]) this.#leftBehind.delete(entry[0]);
      });
    }
  }

  /**
   * `node` reported a player (an update, a track start) that the pool has on another node: a copy
   * nothing else knows of. A re-creation given up on, as it timed out or its node dropped, may still
   * have been applied there, even after the node's resume was read (soak seed 50: 14 guilds played
   * on two servers for good). Unless the player is being moved (the report may be from where it
   * goes, or where it comes from), the copy is deleted.
   */
  strayCopy(node: Node, player: Player): void {
    if (player.node === node || this.#moving.has(player) || player.isDestroyed || !node.isReady) return;
    if (this.#deletions.get(node)?.has(player.guildId)) return;
    this.#host.debug('deleting a copy a node reported', () => ({
      guildId: player.guildId,
      node: node.identifier,
      playerNode: player.node.identifier,
    }));
    this.#deleteOn(node, player.guildId);
  }

  /** The node's session is gone: re-create its players (possibly on the same node, which is ready). */
  sessionLost(node: Node): void {
    this.#stopWaiting(node);
    void this.evacuate(node, 'sessionLost', false);
  }

  /** Moves every player off `node` (excluding it as a target unless `exclude` is false). */
  async evacuate(node: Node, reason: MoveReason, exclude = true): Promise<void> {
    this.#stopWaiting(node);
    const players = this.#host.playersOn(node).filter((player) => !this.#moving.has(player));
    if (players.length === 0) return;
    const started = this.#host.clock.now();
    this.counters.failovers += 1;
    this.#host.emit('failoverStart', { node, players: players.length, reason });
    const excluded = new Set<Node>(exclude ? [node] : []);
    let moved = 0;
    const restored = new Map<Node, number>();
    let gone = 0;
    await this.#runMoves(players, async (player) => {
      // Re-created elsewhere meanwhile (a parked player whose node came back first): not ours any
      // more. And a node that came back with its session keeps the players not moved yet: a move now
      // would leave their copy there, as the resume has already deleted the strays it had.
      const isBack = reason === 'failover' && node.isReady;
      if (player.node !== node || this.#moving.has(player) || isBack) {
        gone += 1;
        return false;
      }
      const isRestoring = this.#restoring.has(player);
      const to = await this.#moveOne(player, excluded, undefined, reason);
      if (!to) return false;
      moved += 1;
      if (isRestoring) restored.set(to, (restored.get(to) ?? 0) + 1);
      return to;
    });
    const parked = players.length - moved - gone;
    this.#retryParkedLater();
    this.#host.emit('failoverEnd', { node, moved, parked, durationMs: this.#host.clock.now() - started });
    this.#reportRestored(restored);
  }

  /**
   * Moves one player to `target` (or the best node): the same machinery as a failover. A move of the
   * player already under way (a failover, a re-creation) finishes first: two in flight land in either
   * order, and the one landing last would leave the other's copy playing.
   */
  async move(player: Player, target: Node | undefined, reason: MoveReason): Promise<void> {
    for (let run = this.#runs.get(player); run !== undefined; run = this.#runs.get(player)) await run;
    const from = player.node;
    if (target === from) return;
    if (target && !target.isReady) {
      throw new LavafleetError(
        ErrorCodes.NodeNotReady,
        `Node ${target.identifier} is ${target.status}; choose a connected node`,
      );
    }
    const ok = (await this.#moveOne(player, new Set([from]), target, reason)) !== null;
    if (!ok) {
      throw new LavafleetError(
        ErrorCodes.NoNodeAvailable,
        `No node could take the player of guild ${player.guildId}; it stays on ${from.identifier}`,
      );
    }
  }

  /** Re-creates the parked players now, on the best ready nodes (those with no node stay parked). */
  retryParked(): void {
    if (this.#parked.size > 0) void this.#restoreParked();
  }

  /**
   * A ready node's breaker closed again (its server answers after a burst of 5xx): parked players go
   * there after the retry backoff, sooner than the cooldown their last retry was timed for.
   */
  nodeRecovered(): void {
    this.#breakerProbes = 0;
    this.#retryParkedLater();
  }

  /** Parks a player until a node is ready (restored players whose session cannot resume). */
  park(player: Player): void {
    this.#parked.add(player);
  }

  /** A player restored from a store: reported once back on a node; re-joins voice before it is re-created (its old voice session died with the bot). */
  restoring(player: Player): void {
    this.#restoring.add(player);
  }

  /**
   * Restored players wait on `node`'s first handshake, to resume their saved session. A node that
   * hangs (frozen, or a host that drops packets) would keep them silent until the handshake timed
   * out (`requestTimeoutMs`), so the policy of a lost socket applies from the start, alongside the
   * handshake: the server is probed now, and when it does not answer within `probeTimeoutMs` and the
   * node is not ready, the players move; when it answers, they wait for the resume. Probing only once
   * the handshake was late took a second `probeTimeoutMs` (soak seed 46: a bot back from a restart
   * with its saved node frozen, 1.1 s before the first move).
   */
  watchHandshake(node: Node): void {
    if (!this.#host.options.enabled || node.isReady || this.#waiting.has(node)) return;
    this.#startProbe(node);
  }

  /** The session of a node that was down when `player` moved off it, and may still play it; or null. */
  leftBehind(player: Player): { node: string; sessionId: string } | null {
    return this.#leftBehind.get(player) ?? null;
  }

  /** Whether a move (or re-creation) of `player` is under way. */
  isMoving(player: Player): boolean {
    return this.#moving.has(player);
  }

  /** Whether `player` was restored from a store and is not back on a node yet. */
  isRestoring(player: Player): boolean {
    return this.#restoring.has(player);
  }

  /**
   * Re-creates `player` on `node` in one request; a restored player first gets a fresh voice
   * session from Discord, so the request carries it.
   */
  async recreate(player: Player, node: Node): Promise<void> {
    if (this.#restoring.has(player)) await this.#host.rejoinVoice(player);
    await this.#noDeletionInFlight(node, player.guildId);
    await player.recreateOn(node);
  }

  /**
   * {@link recreate} on `node`, and when that fails, a move to the best other node (parked if there is
   * none), so a failed re-creation never leaves a player silent. Resolves with where it plays, or null
   * (also when another move of the player is under way: that one decides).
   *
   * The re-creation counts as a move while it runs: it may wait (a voice rejoin, a deletion), and a
   * read-back meanwhile found the player still missing and re-created it a second time; two
   * re-creations in flight land in either order, and the older state, landing last, started a track
   * that had ended over the next one (soak seed 59: the guild then went silent, the bot believing
   * the next track played).
   */
  recreateOrMove(player: Player, node: Node): Promise<Node | null> {
    if (this.#moving.has(player)) return Promise.resolve(null);
    return this.#tracked(player, this.#recreateOrMove(player, node));
  }

  async #recreateOrMove(player: Player, node: Node): Promise<Node | null> {
    this.#moving.add(player);
    try {
      await this.recreate(player, node);
      return node;
    } catch (error) {
      this.counters.movesFailed += 1;
      this.#host.debug('re-creation failed, moving the player', () => ({
        guildId: player.guildId,
        node: node.identifier,
        error: String(error),
      }));
    } finally {
      this.#moving.delete(player);
    }
    const isRestoring = this.#restoring.has(player);
    const to = await this.#moveOne(player, new Set([node]), undefined, 'failover');
    if (to && isRestoring) this.#reportRestored(new Map([[to, 1]]));
    return to;
  }

  /** Players back on `node` after its session resumed (or re-created there): restored ones count in `playersRestored`. */
  resumed(node: Node, players: readonly Player[]): void {
    let count = 0;
    for (const player of players) if (this.#restoring.delete(player)) count += 1;
    this.#reportRestored(new Map([[node, count]]));
  }

  /** Forgets a player (destroyed). */
  forget(player: Player): void {
    this.#leftBehind.delete(player);
    this.#parked.delete(player);
    this.#moving.delete(player);
    this.#restoring.delete(player);
  }

  /**
   * Resolves once no deletion of `guildId` on `node` is in flight, those sent while it waits included
   * (a resume of that node deletes the copy of a player on its way there as a stray): a re-creation
   * sent before a deletion of its guild is answered can be overtaken by it.
   */
  async #noDeletionInFlight(node: Node, guildId: string): Promise<void> {
    let pending = this.#deletions.get(node)?.get(guildId);
    while (pending !== undefined) {
      await pending;
      // A settled deletion has left the map by now (its clean-up ran first); what is there came since.
      const next = this.#deletions.get(node)?.get(guildId);
      pending = next === pending ? undefined : next;
    }
  }

  /** Resolves once the deletions of old copies sent to `node` so far are answered (never rejects). */
  async deletionsSettled(node: Node): Promise<void> {
    const pending = this.#deletions.get(node);
    if (pending) await Promise.all(pending.values());
  }

  /** Stops every timer. */
  destroy(): void {
    for (const node of [...this.#waiting.keys()]) this.#stopWaiting(node);
    this.#host.clock.clearTimeout(this.#parkedRetry);
    this.#parkedRetry = undefined;
    this.#host.clock.clearTimeout(this.#breakerProbe);
    this.#breakerProbe = undefined;
    this.#stalledMoves.destroy();
    this.#destroyed = true;
    this.#parked.clear();
    this.#restoring.clear();
  }

  /**
   * Probes `node` if it has players, holding its slot in `#waiting` meanwhile (undefined: probing;
   * a timer: waiting for the resume) so that a second trigger does not probe twice.
   */
  #startProbe(node: Node): void {
    if (this.#host.playersOn(node).length === 0) return;
    this.#waiting.set(node, undefined);
    void this.#probe(node);
  }

  async #probe(node: Node): Promise<void> {
    const { probeTimeoutMs, resumeWaitMs } = this.#host.options;
    const startedAt = this.#host.clock.now();
    let alive = false;
    try {
      await node.rest.version({ timeoutMs: probeTimeoutMs, retries: 0 });
      alive = true;
    } catch (error) {
      // A server that answered something else meanwhile is alive, only slow or busy: a node far away
      // or taking the moves of a failover answers them later than the probe's timeout (soak seed 46:
      // the one node left, 0.7 s away, was dropped with its 950 players).
      alive = (node.heardAt ?? -Infinity) > startedAt;
      this.#host.debug(
        alive ? 'probe failed, but the server answered meanwhile' : 'probe failed: server unreachable',
        () => ({
          node: node.identifier,
          error: String(error),
        }),
      );
    }
    if (!this.#waiting.has(node)) return;
    // Still connected: the probe of an overdue pong. Dropped only when the pong is still overdue,
    // asked after the I/O already received is read: a bot whose event loop lagged has its timers
    // fire before the pong waiting in the socket, and must not drop a node for its own lag.
    if (node.isReady && !alive) await new Promise((resolve) => setImmediate(resolve));
    if (node.isReady && (alive || !node.dropUnresponsive('no pong, and REST does not answer'))) {
      this.#stopWaiting(node);
      return;
    }
    if (!alive || node.canResume === false || node.status === 'disconnected') {
      void this.evacuate(node, 'failover');
      return;
    }
    this.#host.debug('server alive: waiting for the session to resume', () => ({
      node: node.identifier,
      resumeWaitMs,
    }));
    const timer = this.#host.clock.setTimeout(() => {
      this.#waiting.delete(node);
      if (!node.isReady) void this.evacuate(node, 'failover');
    }, resumeWaitMs);
    this.#waiting.set(node, timer);
  }

  /** Re-creates `player` on `target` or the best node not in `exclude`; resolves with where it went, or null (parked). */
  #moveOne(
    player: Player,
    exclude: Set<Node>,
    target: Node | undefined,
    reason: MoveReason,
  ): Promise<Node | null> {
    // A closing pool starts no move: its final save has (or is taking) the players as they are.
    if (player.isDestroyed || this.#destroyed) return Promise.resolve(null);
    return this.#tracked(player, this.#moveNow(player, exclude, target, reason));
  }

  /** Records `run` as the move under way of `player` until it settles. */
  #tracked<T>(player: Player, run: Promise<T>): Promise<T> {
    this.#runs.set(player, run);
    const settled = (): void => {
      if (this.#runs.get(player) === run) this.#runs.delete(player);
    };
    run.then(settled, settled);
    return run;
  }

  async #moveNow(
    player: Player,
    exclude: Set<Node>,
    target: Node | undefined,
    reason: MoveReason,
  ): Promise<Node | null> {
    this.#moving.add(player);
    const from = player.node;
    const fromSession = from.sessionId;
    const tried = new Set(exclude);
    let giveUps = 0;
    try {
      if (this.#restoring.has(player)) await this.#host.rejoinVoice(player);
      if (player.isDestroyed || this.#destroyed) return null;
      for (let next = target ?? this.#select(player, tried); next; next = this.#select(player, tried)) {
        // Recorded before the request: a bot that stops (or saves) while the move is in flight must
        // still know the copy it may leave in the old session.
        const leftBefore = this.#leftBehind.get(player);
        if (from !== next && !from.isReady && from.sessionId !== null)
          this.#leftBehind.set(player, { node: from.identifier, sessionId: from.sessionId });
        // A node the bot named is waited for; one the failover chose is given up if it stalls.
        const signal = target ? undefined : this.#stalledMoves.signalFor(next);
        try {
          await this.#noDeletionInFlight(next, player.guildId);
          this.#stalls.begin(player, next, this.#host.clock.now());
          try {
            await player.recreateOn(next, signal);
          } finally {
            this.#stalls.end(player, this.#host.clock.now());
          }
          this.#parked.delete(player);
          this.#restoring.delete(player);
          this.#deleteLeftOn(from, fromSession, next, player, reason);
          this.counters.playersMoved += 1;
          if (from !== next || reason === 'sessionLost')
            this.#host.emit('playerMoved', { player, from, to: next, reason });
          return next;
        } catch (error) {
          if (leftBefore) this.#leftBehind.set(player, leftBefore);
          else this.#leftBehind.delete(player);
          this.counters.movesFailed += 1;
          this.#host.debug('move failed, trying the next node', () => ({
            guildId: player.guildId,
            node: next?.identifier,
            error: String(error),
          }));
          // A move given up on a silent target does not rule it out (see MoveGivenUp): it is avoided
          // until heard from, and taken again when no other node takes the player, twice at most.
          // Ruled out, it parked the player until the failover ended (soak seed 46: 50 players given
          // up on a node 0.7 s away, then on one that froze, came back 2.3 s after the freeze).
          const gaveUp = signal?.aborted === true && signal.reason instanceof MoveGivenUp;
          if (!gaveUp || (giveUps += 1) > MAX_GIVE_UPS) tried.add(next);
          if (target) return null;
        }
      }
      if (!player.isDestroyed) this.#parked.add(player);
      return null;
    } finally {
      this.#moving.delete(player);
    }
  }

  /**
   * After a move of `player` from `from` to `to`: when `from` is up in the session the move started
   * in, the copy there is deleted. That is a manual move off a live node, and a move off a node that
   * came back with its session while the move was under way (waiting for a voice rejoin, for a
   * deletion, or between two targets): the resume left such a player alone, as moving, and nothing
   * else would delete its copy, which played on next to it (soak seed 49: 2 guilds on two servers).
   * A node that is still down deletes the copies when its session resumes (see cleanGhosts); one that
   * came back with a new session, or whose session was lost, has none.
   */
  #deleteLeftOn(from: Node, fromSession: string | null, to: Node, player: Player, reason: MoveReason): void {
    if (from === to || reason === 'sessionLost' || !from.isReady || from.sessionId !== fromSession) return;
    this.#deleteOn(from, player.guildId, () => {
      const left = this.#leftBehind.get(player);
      if (left?.node === from.identifier && left.sessionId === fromSession) this.#leftBehind.delete(player);
    });
  }

  /**
   * The best node for `player` not in `tried`, avoiding targets that stopped answering and slow
   * targets while another node can take it (see target-stalls.ts): a stalled one first, then a slow
   * one, then the best of all. A node whose heartbeat ping is overdue counts as slow: it may have
   * frozen, and its heartbeat has not said yet (soak seed 63: a node frozen 0.5 s after the one that
   * failed took half the moves, and they were back 1 s later than the others).
   */
  #select(player: Player, tried: ReadonlySet<Node>): Node | undefined {
    let avoid: Set<Node> | undefined;
    for (const node of this.#stalls.stalled(this.#stalledMoves.listenedAt))
      if (!tried.has(node)) (avoid ??= new Set(tried)).add(node);
    for (const node of this.#stalledMoves.avoided())
      if (!tried.has(node)) (avoid ??= new Set(tried)).add(node);
    let pick = this.#host.selectFor(player, avoid ?? tried);
    let slow: Node | undefined;
    while (pick !== undefined && (pick.isPongOverdue || isSlowTarget(pick.restLatencyMs, pick.latencyMs))) {
      slow ??= pick;
      (avoid ??= new Set(tried)).add(pick);
      pick = this.#host.selectFor(player, avoid);
    }
    const chosen = pick ?? slow ?? this.#heardLast(player, tried);
    if (chosen) this.#host.placed(chosen);
    return chosen;
  }

  /**
   * Of the nodes not in `tried`, the one heard from last (a frame, a pong, any REST answer), the best
   * by penalty among equals: when every node left is stalled or had its moves given up, the likeliest
   * to be alive. By penalty alone, half the moves went to a node that had frozen while the other was
   * only far away, and its pongs kept coming (soak seed 46: 271 moves hung there 0.35 s more).
   */
  #heardLast(player: Player, tried: ReadonlySet<Node>): Node | undefined {
    const exclude = new Set(tried);
    let best: Node | undefined;
    for (
      let node = this.#host.selectFor(player, exclude);
      node;
      node = this.#host.selectFor(player, exclude)
    ) {
      exclude.add(node);
      if (best === undefined || (node.heardAt ?? -Infinity) > (best.heardAt ?? -Infinity)) best = node;
    }
    return best;
  }

  async #restoreParked(): Promise<void> {
    const players = [...this.#parked].filter((player) => !this.#moving.has(player));
    const restored = new Map<Node, number>();
    await this.#runMoves(players, async (player) => {
      // Another run (a second node ready, an evacuation) may have re-created it since the list was
      // taken: moving it again would leave its new copy playing.
      if (!this.#parked.has(player) || this.#moving.has(player)) return false;
      const to = await this.#moveOne(player, new Set(), undefined, 'restore');
      if (to) restored.set(to, (restored.get(to) ?? 0) + 1);
      return to ?? false;
    });
    if (restored.size > 0) this.#parkedRetries = 0;
    this.#reportRestored(restored);
    this.#retryParkedLater();
  }

  /** Runs moves with the adaptive limit of {@link MoveConcurrency} (see move-concurrency.ts). */
  #runMoves(players: readonly Player[], move: (player: Player) => Promise<Node | false>): Promise<void> {
    const { concurrency, maxConcurrency } = this.#host.options;
    return runAdaptive(
      players,
      new MoveConcurrency(concurrency, maxConcurrency, this.#moveLoad),
      this.#host.clock,
      move,
      (listenedAt) => {
        if (listenedAt !== null) this.#stalledMoves.listened(listenedAt);
        return this.#stalls.stalledMoves(this.#stalledMoves.listenedAt);
      },
    );
  }

  /**
   * Players are parked while ready nodes fail their re-creation (a burst of 5xx during a failover): no
   * `ready` will come to restore them. So they are retried when the first open breaker lets players go
   * again, and, when a node could take them now (its breaker closed again after the burst), after a
   * backoff: 100 ms, doubled each time a retry restores nobody, up to 5 s.
   */
  #retryParkedLater(): void {
    if (this.#parked.size === 0) {
      this.#parkedRetries = 0;
      this.#breakerProbes = 0;
      return;
    }
    const inMs = this.#host.nextPlacementInMs();
    if (inMs === null) return; // no ready node: the next `ready` restores them
    const backoffMs = backoffDelay(this.#parkedRetries + 1, PARKED_BACKOFF);
    if (inMs > backoffMs) this.#probeBreakersLater();
    const at = this.#host.clock.now() + Math.max(inMs + 1, backoffMs);
    if (this.#parkedRetry !== undefined && this.#parkedRetryAt <= at) return;
    this.#host.clock.clearTimeout(this.#parkedRetry);
    this.#parkedRetries += 1;
    this.#parkedRetryAt = at;
    this.#parkedRetry = this.#host.clock.setTimeout(() => {
      this.#parkedRetry = undefined;
      this.retryParked();
    }, at - this.#host.clock.now());
  }

  /**
   * Every ready node's breaker is open and players wait parked for the cooldown (30 s by default).
   * A breaker opened by a burst of 5xx while the socket stayed up is closed only by an answer, and
   * with no players going there none may come (soak seed 5: the only node left had answered 19 × 503
   * to the first moves). So its server is asked for its version on the parked players' backoff
   * (100 ms, doubling to 5 s): one small request, and the first answer closes the breaker, which
   * retries the parked players (see {@link nodeRecovered}).
   */
  #probeBreakersLater(): void {
    if (this.#breakerProbe !== undefined) return;
    const delayMs = backoffDelay(this.#breakerProbes + 1, PARKED_BACKOFF);
    this.#breakerProbes += 1;
    this.#breakerProbe = this.#host.clock.setTimeout(() => {
      void this.#host.probeOpenBreakers(this.#host.options.probeTimeoutMs).then(() => {
        if (this.#destroyed) return;
        this.#breakerProbe = undefined;
        this.#retryParkedLater(); // still open: the next probe, later
      });
    }, delayMs);
  }

  /** Counts and emits `playersRestored` once per node that got players back. */
  #reportRestored(restored: ReadonlyMap<Node, number>): void {
    for (const [node, count] of restored) {
      if (count === 0) continue;
      this.counters.playersRestored += count;
      this.#host.emit('playersRestored', { node, count });
    }
  }

  /**
   * Whether a `TrackEndEvent(stopped)` from `node` for `guildId` is the end of a copy this manager
   * deleted there (then it is consumed: the pool must not hand it to the player).
   */
  takeCopyEnd(node: Node, guildId: string): boolean {
    const ends = this.#copyEnds.get(node);
    const until = ends?.get(guildId);
    if (ends === undefined || until === undefined) return false;
    ends.delete(guildId);
    if (ends.size === 0) this.#copyEnds.delete(node);
    return this.#host.clock.now() <= until;
  }

  /**
   * Deletes the copy of a guild's player on `node` (moved away, or a stray of a resumed session). A
   * re-creation there waits for every deletion of the guild in flight, not only the last one sent:
   * a resume's deletion and a move's can be in flight together, and when the later one was answered
   * first, the earlier one (retried, or on a slow connection) went unwatched and deleted the player
   * re-created meanwhile (soak seed 46: a guild silent for good, the bot believing it stopped).
   */
  #deleteOn(node: Node, guildId: string, onDeleted?: () => void): void {
    this.#expectCopyEnd(node, guildId, Number.POSITIVE_INFINITY);
    let pending = this.#deletions.get(node);
    if (!pending) this.#deletions.set(node, (pending = new Map<string, Promise<void>>()));
    const earlier = pending.get(guildId);
    const deletion: Promise<void> = node.rest
      .destroyPlayer(guildId)
      .then(onDeleted, (error: unknown) => {
        this.#host.debug('could not delete a moved player on its old node', () => ({
          guildId,
          error: String(error),
        }));
      })
      .finally(() => {
        // The event left before the answer, but on another connection: it may still be on its way.
        if (this.#copyEnds.get(node)?.has(guildId))
          this.#expectCopyEnd(node, guildId, this.#host.clock.now() + COPY_END_GRACE_MS);
      });
    // Neither rejects: each deletion handles its own error.
    const settled = earlier ? Promise.all([earlier, deletion]).then(() => undefined) : deletion;
    pending.set(guildId, settled);
    void settled.then(() => {
      if (pending.get(guildId) === settled) pending.delete(guildId);
      if (pending.size === 0 && this.#deletions.get(node) === pending) this.#deletions.delete(node);
    });
  }

  #expectCopyEnd(node: Node, guildId: string, until: number): void {
    let ends = this.#copyEnds.get(node);
    if (!ends) this.#copyEnds.set(node, (ends = new Map<string, number>()));
    // Expectations of copies that had no track (no event comes) expire here, not in a timer.
    const now = this.#host.clock.now();
    if (ends.size > 64) for (const [guild, end] of ends) if (end < now) ends.delete(guild);
    ends.set(guildId, until);
  }

  #stopWaiting(node: Node): void {
    const timer = this.#waiting.get(node);
    if (timer !== undefined) this.#host.clock.clearTimeout(timer);
    this.#waiting.delete(node);
  }
}
