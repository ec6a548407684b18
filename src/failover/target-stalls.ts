/**
 * Which move targets have stopped answering.
 *
 * A node that freezes during a failover (a half-open socket: it accepts requests and never answers)
 * is noticed by its heartbeat only after a while, and until then every move sent to it hangs. With a
 * bounded number of moves in flight, the hung ones would soon hold every slot and stop the moves to
 * the nodes that answer (soak seed 10: 50 players moved in 0.6 s, 950 parked). So a target with a move
 * outstanding and no answer for {@link stallThresholdMs} is stalled: the failover sends no more
 * players there while another node can take them, and the moves hanging on it stop counting against
 * the limit. It is a guess, not a verdict: the first answer from it ends the stall, and only the
 * heartbeat or the request's own failure declares the node down.
 *
 * A node that answers slowly but steadily (a CPU-bound one queueing requests) is not stalled: its
 * answers keep coming. A node known to be far away (its smoothed REST round trip) gets longer.
 */

/**
 * Shortest silence that makes a target stalled, in ms. A node that answers a failover's moves does so
 * every few ms (1,000 to 2,000 a second on 2 cores), so a tenth of a second without any answer is a
 * strong sign. It was 250 ms: a node gone far away at the failover's start held the moves for that
 * long, and those hung there held the slots of the node that answered (soak seed 46).
 */
export const STALL_MIN_MS = 100;

/**
 * A target whose REST round trip, or WebSocket ping round trip, is longer than this (ms) is slow:
 * moves avoid it while another node can take the players, as they do a stalled one. The ping counts
 * too because it is always fresh: an idle node has had no REST request answered lately, and both
 * go over the same network. A move there lands that much later, with its track
 * that much behind until a catch-up seek; a node that answers in milliseconds takes the same moves
 * at the cost of its CPU, about 1 ms a move (soak seed 53: 500 players, half of them sent to a node
 * answering 0.7 s late while another answered at once, were back 2.2 s after their node froze).
 */
export const SLOW_TARGET_MS = 250;

/** Whether a target with these smoothed round trips (null: none measured lately) is slow. */
export function isSlowTarget(restLatencyMs: number | null, pingMs: number | null = null): boolean {
  return Math.max(restLatencyMs ?? 0, pingMs ?? 0) > SLOW_TARGET_MS;
}

/** How long a target with moves outstanding may stay silent before it is stalled. */
export function stallThresholdMs(restLatencyMs: number | null): number {
  return Math.max(STALL_MIN_MS, 2 * (restLatencyMs ?? 0));
}

/** @internal Moves in flight per target, and when each target last answered one. */
export class TargetStalls<Target, Move> {
  /** How long `target` may stay silent with moves outstanding (see {@link stallThresholdMs}). */
  readonly #thresholdMs: (target: Target) => number;
  /** Per target, its moves in flight with their start, oldest first. */
  readonly #pending = new Map<Target, Map<Move, number>>();
  readonly #targetOf = new Map<Move, Target>();
  /** Per target with moves in flight, when it last answered one (success or failure). */
  readonly #answeredAt = new Map<Target, number>();

  constructor(thresholdMs: (target: Target) => number) {
    this.#thresholdMs = thresholdMs;
  }

  /** `move` was sent to `target` at `now`. */
  begin(move: Move, target: Target, now: number): void {
    this.end(move, now);
    let pending = this.#pending.get(target);
    if (!pending) this.#pending.set(target, (pending = new Map<Move, number>()));
    pending.set(move, now);
    this.#targetOf.set(move, target);
  }

  /** `move` was answered (or given up) at `now`. */
  end(move: Move, now: number): void {
    const target = this.#targetOf.get(move);
    if (target === undefined) return;
    this.#targetOf.delete(move);
    const pending = this.#pending.get(target);
    pending?.delete(move);
    if (!pending || pending.size === 0) {
      this.#pending.delete(target);
      this.#answeredAt.delete(target);
    } else {
      this.#answeredAt.set(target, now);
    }
  }

  /** How long `target` may stay silent with moves outstanding before it is stalled. */
  thresholdMs(target: Target): number {
    return this.#thresholdMs(target);
  }

  /** Whether `target` has moves in flight and has not answered one for its threshold (times `factor`). */
  isStalled(target: Target, now: number, factor = 1): boolean {
    const since = this.silentSince(target);
    return since !== undefined && now - since > factor * this.#thresholdMs(target);
  }

  /**
   * Since when `target` has answered none of the moves in flight to it: the last answer, or the
   * oldest move's start if none came since; undefined with no move in flight.
   */
  silentSince(target: Target): number | undefined {
    const pending = this.#pending.get(target);
    if (!pending) return undefined;
    const oldest = pending.values().next().value as number;
    return Math.max(oldest, this.#answeredAt.get(target) ?? oldest);
  }

  /** How many moves are in flight to stalled targets. */
  stalledMoves(now: number): number {
    let count = 0;
    for (const [target, pending] of this.#pending) if (this.isStalled(target, now)) count += pending.size;
    return count;
  }

  /** The oldest move in flight to `target`, if any. */
  oldestMove(target: Target): Move | undefined {
    return this.#pending.get(target)?.keys().next().value;
  }

  /** Whether any move is in flight. */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /** The stalled targets; with a `factor`, those silent for that many times their threshold. */
  stalled(now: number, factor = 1): Target[] {
    const stalled: Target[] = [];
    for (const target of this.#pending.keys()) if (this.isStalled(target, now, factor)) stalled.push(target);
    return stalled;
  }
}
