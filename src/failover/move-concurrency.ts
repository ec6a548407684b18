/**
 * How many player moves a failover runs at once.
 *
 * A fixed limit is wrong one way or the other. When the target node answers in milliseconds and is
 * busy with CPU (the usual failover), more requests at once only queue inside the server, where each
 * waits with a position that grows stale: the configured `concurrency` holds. When the target answers
 * late (a latency spike, a node far away), moves are latency-bound and a fixed limit makes the last
 * player wait `players / concurrency × latency`: 500 players at 50 at a time and 600 ms take 6 s.
 *
 * So the limit follows Little's law: moves in flight = players left × time one move takes / the time
 * the rest should take ({@link MOVE_TARGET_MS}). The time one move takes is the quickest move of this
 * run so far: the unloaded round trip, because the first moves meet an idle server. A slower figure
 * (the mean, or a recent window) would count the server's own queue, and on a CPU-bound node more
 * moves at once make that queue longer, which would raise the limit again, and so on. Before any
 * move has answered it is how long the oldest one has been in flight, so a latency spike is seen
 * after a tick, not after a whole round trip. A spike that begins mid-failover is seen when the moves
 * in flight have gone without any answer for {@link SPIKE_SILENCE_MS}: the time one move takes is
 * then at least that silence (soak seed 46: a node answering in 9 ms went 0.7 s away just after the
 * failover began, and 560 players went there 50 at a time). Not sooner: a target that froze is
 * avoided only once stalled (target-stalls.ts), and a burst sent into a spike that began unseen
 * carries no lead for it: its tracks start the spike's length behind, plus the time the server takes
 * for the burst (soak seed 63: at 100 ms, bursts of moves to a node gone 0.8 s away started 1.0 to
 * 1.2 s behind). A CPU-bound node answers all along: no silence. The result is clamped to `[concurrency, maxConcurrency]`;
 * each node's `maxSockets` caps what really goes out to it.
 *
 * The time the rest should take is never below what their CPU needs ({@link MOVE_COST_MS} each, the
 * bot's and the server's): 5,000 players restored onto a node cannot be moved in 250 ms however many
 * go at once, and asking for it put 500 in flight, where they only queued, grew stale and were sent
 * a catch-up seek each (a restore of 10,000 players took 6 s instead of 3.4 s). With that floor the
 * limit is the number of moves that keeps the CPU busy through their latency: `moveMs / MOVE_COST_MS`.
 *
 * Each target has its own quickest move, and the time one move takes is their mean, weighed by the
 * moves each target took among the last {@link RECENT_MOVES}: when players go to a quick node and a
 * slow one at once, the slow one's latency must be covered too. With the quickest figure of all, a
 * node that answered in 5 ms set the limit for moves to one 300 ms away, 50 at a time (soak seed
 * 1207: 1,000 players, 2.6 s). Only recent moves weigh: a target that takes no more (it failed, froze,
 * or is avoided) stops diluting the figure of the one left. Weighed by every move of the run, 350
 * quick moves to a node that froze kept the limit at a fifth of what the moves left, all bound for a
 * node 0.7 s away, needed (soak seed 46: 440 players still waiting 2.4 s after their node froze).
 *
 * Known limit: one limit serves every target, so moves to the quick node run as many at once as the
 * mix needs. A target that stops answering altogether is another matter: see target-stalls.ts.
 */
import type { Clock, TimerHandle } from '../util/clock.js';

/** How long the moves still to do should take, in ms. */
export const MOVE_TARGET_MS = 250;
/**
 * CPU one move costs, in ms, the bot's and the server's (a re-creation request, its answer, the
 * events and the save that follow), as measured on 2 cores: the rest of a failover cannot take less
 * than this per player.
 */
export const MOVE_COST_MS = 0.4;
/**
 * How long the moves in flight must go without any answer before one move counts as taking at least
 * that long (see {@link MoveConcurrency}), in ms.
 */
export const SPIKE_SILENCE_MS = 250;
/** How often the limit is looked at again while no move answers. */
export const MOVE_TICK_MS = 50;
/** How many of the last moves weigh each target's quickest move (see {@link MoveConcurrency}). */
export const RECENT_MOVES = 100;
/**
 * The players still to move across the runs under way at once (a failover per node, a retry of
 * parked players): they share one CPU, so the floor on the time the rest should take counts them
 * all. Counted per run, each took the whole CPU for itself: a restore whose two sessions were both
 * lost ran two runs of 5,000 re-creations, each with twice the moves in flight the CPU could serve;
 * they queued past the slow re-creation mark and each got a catch-up seek (bench: 1.4 to 2.0
 * requests per player instead of 1, and a quarter more time).
 */
export class MoveLoad {
  /** Per run under way (a handful at most), its players not moved yet. */
  readonly #remaining = new Map<object, number>();

  /** `run` has `remaining` players not moved yet; 0 once it is over. */
  report(run: object, remaining: number): void {
    if (remaining > 0) this.#remaining.set(run, remaining);
    else this.#remaining.delete(run);
  }

  /** The players not moved yet, over every run under way. */
  get total(): number {
    let total = 0;
    for (const remaining of this.#remaining.values()) total += remaining;
    return total;
  }
}

/** The adaptive limit of one failover (or one retry of parked players). */
export class MoveConcurrency {
  readonly #floor: number;
  readonly #ceiling: number;
  readonly #load: MoveLoad | undefined;
  /** Per target: its quickest move, and how many of the last {@link RECENT_MOVES} moves it took. */
  readonly #targets = new Map<unknown, { quickestMs: number; moves: number }>();
  /** The targets of the last {@link RECENT_MOVES} moves, a ring. */
  readonly #recent: unknown[] = [];
  #next = 0;

  /** `load`: shared with the other runs under way at once (see {@link MoveLoad}). */
  constructor(floor: number, ceiling: number, load?: MoveLoad) {
    this.#floor = floor;
    this.#ceiling = Math.max(floor, ceiling);
    this.#load = load;
  }

  /** The run is over: its players no longer weigh on the others' limits. */
  end(): void {
    this.#load?.report(this, 0);
  }

  /** The most moves in flight, stalled ones included (see {@link runAdaptive}). */
  get ceiling(): number {
    return this.#ceiling;
  }

  /** Records how long one move to `target` took. */
  observe(durationMs: number, target: unknown = null): void {
    const seen = this.#targets.get(target);
    if (seen === undefined) this.#targets.set(target, { quickestMs: durationMs, moves: 1 });
    else {
      seen.quickestMs = Math.min(seen.quickestMs, durationMs);
      seen.moves += 1;
    }
    if (this.#recent.length < RECENT_MOVES) this.#recent.push(target);
    else {
      const dropped = this.#targets.get(this.#recent[this.#next])!;
      dropped.moves -= 1;
      this.#recent[this.#next] = target;
      this.#next = (this.#next + 1) % RECENT_MOVES;
    }
  }

  /** The time one move takes: each target's quickest, weighed by its moves; null before any. */
  #moveMs(): number | null {
    let weighted = 0;
    let moves = 0;
    for (const target of this.#targets.values()) {
      weighted += target.quickestMs * target.moves;
      moves += target.moves;
    }
    return moves === 0 ? null : weighted / moves;
  }

  /**
   * The limit for `remaining` players not moved yet (in flight or still to start), given how long the
   * moves in flight have gone without any answer (`silentMs`: since the last answer or the start of
   * the oldest, whichever is later; 0 with none in flight). The CPU floor counts the players of every
   * run sharing the {@link MoveLoad}.
   */
  limit(remaining: number, silentMs: number): number {
    const quickest = this.#moveMs();
    const moveMs =
      quickest === null ? silentMs : silentMs > SPIKE_SILENCE_MS ? Math.max(quickest, silentMs) : quickest;
    this.#load?.report(this, remaining);
    const everyRun = this.#load?.total ?? remaining;
    const budgetMs = Math.max(MOVE_TARGET_MS, everyRun * MOVE_COST_MS);
    const wanted = Math.ceil((remaining * moveMs) / budgetMs);
    return Math.min(this.#ceiling, Math.max(this.#floor, wanted));
  }
}

/**
 * Runs `task` over `items`, at most `concurrency.limit()` at once, asked again as tasks finish and
 * every {@link MOVE_TICK_MS} while none does. A task resolves with the target of a move worth timing
 * (or `true` when it has none to name), `false` when it found nothing to do. A task that throws does
 * not stop the others; the first error rejects the whole once every task has settled. Tasks in
 * flight that wait on a target that stopped answering (`stalledCount` of them, see target-stalls.ts)
 * do not count against the limit, only against `concurrency.ceiling`: hung moves must not stop the
 * others. `stalledCount` gets the time when every answer that had come was read (the ticks run
 * after the I/O), or null when it is asked while answers are being handled.
 */
export function runAdaptive<T>(
  items: readonly T[],
  concurrency: MoveConcurrency,
  clock: Clock,
  task: (item: T) => Promise<boolean | object>,
  stalledCount?: (listenedAt: number | null) => number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    const started = new Map<number, { item: T; at: number }>();
    let failure: { error: unknown } | undefined;
    let tick: TimerHandle | undefined;
    let id = 0;
    let answeredAt = -Infinity;
    /** `afterIo`: called once the I/O that came meanwhile is read (see `stalledCount`). */
    const pump = (afterIo = false): void => {
      const now = clock.now();
      const oldest = started.size === 0 ? now : (started.values().next().value as { at: number }).at;
      const cap = concurrency.limit(items.length - next + started.size, now - Math.max(oldest, answeredAt));
      // Stalled tasks count for nothing, however few: 49 hung in 50 slots left one for the node that
      // answered (soak seed 46).
      let active = started.size;
      if (stalledCount && active > 0 && next < items.length) active -= stalledCount(afterIo ? now : null);
      while (active < cap && started.size < concurrency.ceiling && next < items.length) {
        const item = items[next++] as T;
        const key = id++;
        const at = clock.now();
        started.set(key, { item, at });
        active += 1;
        void Promise.resolve()
          .then(() => task(item))
          .then(
            (timed) => {
              if (timed !== false) concurrency.observe(clock.now() - at, timed === true ? null : timed);
            },
            (error: unknown) => void (failure ??= { error }),
          )
          .finally(() => {
            started.delete(key);
            answeredAt = clock.now();
            pump();
          });
      }
      clock.clearTimeout(tick);
      tick = undefined;
      if (started.size === 0) {
        concurrency.end();
        // The task's own error, passed on as it came.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        if (failure) reject(failure.error);
        else resolve();
      } else if (next < items.length) {
        // After the I/O that came meanwhile is read (setImmediate runs after it): a bot busy for a
        // while has its timers fire before the answers waiting, and would take its own lag for the
        // targets' silence (bench, restore of 10,000 players: a limit of 1,000 after a 0.3 s save).
        tick = clock.setTimeout(() => setImmediate(() => pump(true)), MOVE_TICK_MS);
      }
    };
    pump();
  });
}
