/**
 * Giving up the moves that hang on a target that stopped answering.
 *
 * A target that freezes during a failover (target-stalls.ts) gets no new moves, but the ones already
 * sent to it hang until its heartbeat notices (up to a heartbeat and a probe later) or their request
 * times out. Those players stay silent all that while, though another node could take them (soak
 * seeds 41 and 46: the moves caught on a node frozen 0.2 s into the failover were re-sent 0.9 s later,
 * and their players were back 2.1 to 2.6 s after their own node failed).
 *
 * So once a target has been silent for twice its stall threshold (four times if its socket is heard
 * from meanwhile: only its REST is slow) and another node can take its players, its moves are
 * aborted, and each goes on to the next node as after any failed request. The target is avoided
 * from then on, while another node can take players, until it is heard from again (a frame, a pong,
 * any REST answer). A request given up this way may still be applied when the node
 * thaws: the copy it leaves is deleted as any other (a stray copy's event, a read-back, or the
 * resume's clean-up).
 *
 * Only moves to a target the failover chose are given up; a move to a node the bot named waits.
 */
import type { Node } from '../node/node.js';
import type { Player } from '../player/player.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { TargetStalls } from './target-stalls.js';

/** How often targets with moves in flight are looked at, in ms. */
export const STALL_CHECK_MS = 50;

/**
 * A target's moves are given up once it has been silent for this many times its stall threshold
 * (target-stalls.ts: 100 ms, or twice its round trip): stalled, it only gets no new moves; twice
 * that, a node far away or queueing would most likely have answered. Giving up a move that was only
 * slow costs a copy to delete and a second request. A stalled target whose heartbeat ping is overdue
 * as well is given up at once: the socket is as silent as REST.
 */
export const GIVE_UP_FACTOR = 2;

/**
 * A target heard from over its socket while its moves are silent (a pong, a frame) is alive: its
 * REST is slow (a latency spike, a queue), and its moves are most likely on their way. They are given
 * up only after this many times its stall threshold: sent elsewhere earlier, they start a whole new
 * round trip, to a node that may fail in turn (soak seed 46: moves given up on a node answering 0.7 s
 * late went to one that froze a moment later, and came back to the first 1 s later than they would
 * have landed there).
 */
export const GIVE_UP_ALIVE_FACTOR = 4;
/** The least silence after which the moves to a target that is alive are given up, in ms (see above). */
export const GIVE_UP_ALIVE_MIN_MS = 1_000;

/**
 * What a move given up on a stalled target is aborted with. The target may be only slow (a latency
 * spike looks like a freeze until its first late answer), so the move does not rule it out: it goes
 * elsewhere first, and back there when no other node takes it (see failover.ts).
 */
export class MoveGivenUp extends Error {
  constructor(readonly target: Node) {
    super(`node ${target.identifier} stopped answering during a failover`);
    this.name = 'MoveGivenUp';
  }
}

interface Watched {
  /** Aborts the moves to the target: on a stall, or when its connection is lost. */
  readonly controller: AbortController;
  /** The target's connection signal the controller follows. */
  readonly connection: AbortSignal;
  readonly onLost: () => void;
}

export interface StalledMovesHost {
  readonly clock: Clock;
  /** The best node for `player` that is not in `exclude`, or undefined. */
  selectFor(player: Player, exclude: ReadonlySet<Node>): Node | undefined;
  debug(message: string, data?: () => Record<string, unknown>): void;
}

/** @internal */
export class StalledMoves {
  readonly #host: StalledMovesHost;
  readonly #stalls: TargetStalls<Node, Player>;
  readonly #watched = new Map<Node, Watched>();
  /** Targets whose moves were given up, with when: avoided until heard from after that. */
  readonly #abandonedAt = new Map<Node, number>();
  #timer: TimerHandle | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #listenedAt = -Infinity;

  constructor(host: StalledMovesHost, stalls: TargetStalls<Node, Player>) {
    this.#host = host;
    this.#stalls = stalls;
  }

  /**
   * The signal for a move to `target`: aborted when the target's connection is lost, or when the
   * target stalls while another node can take its players.
   */
  signalFor(target: Node): AbortSignal {
    const connection = target.connectionSignal;
    if (connection.aborted) return connection;
    let watched = this.#watched.get(target);
    if (watched?.connection !== connection) {
      this.#unwatch(target);
      const controller = new AbortController();
      const onLost = (): void => controller.abort(connection.reason);
      connection.addEventListener('abort', onLost, { once: true });
      watched = { controller, connection, onLost };
      this.#watched.set(target, watched);
    }
    this.#schedule();
    return watched.controller.signal;
  }

  /**
   * When the bot last read every answer that had come (the last check, see {@link #schedule}): how
   * long a target has been silent is judged up to there, not up to now. A bot busy for a while (a
   * burst of answers to handle, a save, a GC pause) has answers waiting unread, and the targets that
   * sent them would look silent for as long (bench, restore of 10,000 players: both nodes taken for
   * stalled 0.5 s in, their moves counted for nothing, and 1,000 re-creations went out at once).
   */
  get listenedAt(): number {
    return this.#listenedAt;
  }

  /** Every answer that had come by `now` was read (the caller runs after the I/O). */
  listened(now: number): void {
    this.#listenedAt = Math.max(this.#listenedAt, now);
  }

  /**
   * The next check, {@link STALL_CHECK_MS} from now, after the I/O that came meanwhile is read
   * (setImmediate runs after it): a timer of a bot that was busy fires before the answers that wait.
   */
  #schedule(): void {
    this.#timer ??= this.#host.clock.setTimeout(() => {
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        this.#timer = undefined;
        this.#check();
      });
    }, STALL_CHECK_MS);
  }

  /** Whether `target` had its moves given up and has not been heard from since. */
  #isAvoided(target: Node): boolean {
    const at = this.#abandonedAt.get(target);
    if (at === undefined) return false;
    if (target.isReady && (target.heardAt ?? -Infinity) <= at) return true;
    this.#abandonedAt.delete(target);
    return false;
  }

  /** The targets whose moves were given up and that were not heard from since. */
  avoided(): Node[] {
    return [...this.#abandonedAt.keys()].filter((target) => this.#isAvoided(target));
  }

  /** Stops watching (the pool closes). Moves in flight are left to their own end. */
  destroy(): void {
    this.#host.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    for (const target of [...this.#watched.keys()]) this.#unwatch(target);
    this.#abandonedAt.clear();
  }

  #check(): void {
    const now = this.#host.clock.now();
    this.listened(now);
    const stalled = new Set(this.#stalls.stalled(now));
    const givingUp = [...stalled].filter((target) => this.#givesUp(target, now));
    for (const target of givingUp) {
      const player = this.#stalls.oldestMove(target);
      if (player === undefined || !this.#watched.has(target)) continue;
      const exclude = new Set(stalled);
      for (const node of this.avoided()) exclude.add(node);
      if (
        this.#host.selectFor(player, exclude) === undefined &&
        !this.#heardElsewhere(target, player, stalled)
      )
        continue;
      this.#host.debug('giving up the moves to a node that stopped answering', () => ({
        node: target.identifier,
        silentMs: now - Math.max(target.heardAt ?? 0, 0),
      }));
      this.#abandonedAt.set(target, now);
      const { controller } = this.#watched.get(target)!;
      this.#unwatch(target);
      controller.abort(new MoveGivenUp(target));
    }
    if (this.#stalls.busy) this.#schedule();
  }

  /**
   * Whether the moves to `target`, a stalled target, are given up now (see {@link GIVE_UP_FACTOR}).
   * Alive means heard from well after its moves went silent (see {@link #heardSinceSilent}).
   */
  #givesUp(target: Node, now: number): boolean {
    if (target.isPongOverdue) return true;
    const silentSince = this.#stalls.silentSince(target);
    if (silentSince === undefined) return false;
    const thresholdMs = this.#stalls.thresholdMs(target);
    const giveUpMs = this.#heardSinceSilent(target, target)
      ? Math.max(GIVE_UP_ALIVE_FACTOR * thresholdMs, GIVE_UP_ALIVE_MIN_MS)
      : GIVE_UP_FACTOR * thresholdMs;
    return now - silentSince > giveUpMs;
  }

  /**
   * Whether `node` was heard from at least half a stall threshold after the moves to `target` went
   * silent. A frame read just after the last answer left the server before it froze, and is no sign
   * of life (soak seed 46: a node that froze was taken for alive, and its moves waited 0.55 s
   * instead of 0.2 s).
   */
  #heardSinceSilent(node: Node, target: Node): boolean {
    const since = this.#stalls.silentSince(target);
    if (since === undefined) return false;
    return (node.heardAt ?? -Infinity) > since + this.#stalls.thresholdMs(target) / 2;
  }

  /**
   * Whether a node that could take `player`, stalled too, was heard from since the moves to `target`
   * went silent ({@link #heardSinceSilent}): likelier alive than `target`, it takes the moves given
   * up there (failover.ts sends them to the node heard from last). Soak seed 46: a node that froze
   * held its moves 0.44 s, until the other one, 0.7 s away and sending frames all along, answered
   * its first move; given up then, they came back 2.04 s after their own node froze.
   */
  #heardElsewhere(target: Node, player: Player, stalled: ReadonlySet<Node>): boolean {
    const exclude = new Set<Node>([target, ...this.avoided()]);
    for (const node of stalled) if (!this.#heardSinceSilent(node, target)) exclude.add(node);
    return this.#host.selectFor(player, exclude) !== undefined;
  }

  #unwatch(target: Node): void {
    const watched = this.#watched.get(target);
    if (!watched) return;
    watched.connection.removeEventListener('abort', watched.onLost);
    this.#watched.delete(target);
  }
}
