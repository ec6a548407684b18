/**
 * Many waiters on one AbortSignal at a constant cost each.
 *
 * `EventTarget.addEventListener` and `removeEventListener` walk the signal's whole listener list (to
 * find duplicates), so N requests in flight on one long-lived signal (a node's connection signal)
 * cost O(N) each to start and to finish: a restore of 10,000 players with 500 moves in flight per node
 * spent more CPU there than in the requests themselves. Here each signal gets one listener, whatever
 * the number of waiters, and a waiter is added and removed in O(1).
 */

/** Something told once when the signal it waits on aborts. */
export interface AbortWaiter {
  handleEvent(): void;
}

/** @internal One listener per signal, fanning out to the waiters registered on it. */
export class AbortListeners {
  readonly #waiters = new WeakMap<AbortSignal, Set<AbortWaiter>>();

  /** Tells `waiter` when `signal` aborts (unless removed first). `signal` must not be aborted yet. */
  add(signal: AbortSignal, waiter: AbortWaiter): void {
    let waiters = this.#waiters.get(signal);
    if (waiters === undefined) {
      const set = new Set<AbortWaiter>();
      waiters = set;
      this.#waiters.set(signal, set);
      signal.addEventListener(
        'abort',
        () => {
          this.#waiters.delete(signal);
          for (const each of [...set]) each.handleEvent();
        },
        { once: true },
      );
    }
    waiters.add(waiter);
  }

  /** Forgets `waiter` (it is not told any more). */
  remove(signal: AbortSignal, waiter: AbortWaiter): void {
    this.#waiters.get(signal)?.delete(waiter);
  }
}
