import type { Clock, TimerHandle } from '../../src/util/clock.js';

/**
 * A deterministic {@link Clock} for tests. Time only moves when the test calls {@link FakeClock.advance}
 * (or {@link FakeClock.advanceAsync}); due timers then fire in order of due time, ties in the order
 * they were scheduled, and `now()` reads each timer's due time while its callback runs.
 *
 * Delays follow Node where it matters to tests: a negative or non-finite delay counts as 0 and an
 * interval is at least 1 ms (so it cannot spin forever). Unlike Node, a 0 ms timeout is due at once
 * and fires on `advance(0)`.
 */

interface FakeTimer {
  readonly id: number;
  readonly callback: () => void;
  /** `null` for a timeout; the period for an interval. */
  readonly intervalMs: number | null;
  dueAt: number;
  /** Scheduling order: breaks ties between timers due at the same instant. */
  seq: number;
}

/** A timer handle of the fake clock; opaque to library code. */
interface FakeHandle {
  readonly fakeTimerId: number;
}

/** Firing more timers than this in one `advance` means a timer keeps rescheduling itself at 0 ms. */
const MAX_FIRINGS_PER_ADVANCE = 100_000;

/** Default start: a fixed, realistic epoch time so that `now()` looks like `Date.now()`. */
export const FAKE_CLOCK_START_MS = 1_700_000_000_000;

/** Resolves after every queued microtask has run (promise chains settle before it returns). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A manual clock for tests: implements {@link Clock}, plus `advance(ms)` to fire due timers. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #nextSeq = 1;
  readonly #timers = new Map<number, FakeTimer>();

  constructor(startMs: number = FAKE_CLOCK_START_MS) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.#schedule(callback, toDelay(delayMs), null);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.#clear(handle);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    const period = Math.max(1, toDelay(intervalMs));
    return this.#schedule(callback, period, period);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.#clear(handle);
  }

  /** Number of scheduled timers (timeouts not yet fired, plus live intervals). */
  get pendingCount(): number {
    return this.#timers.size;
  }

  /** Due time (epoch ms) of the next timer, or `null` when none is scheduled. */
  nextDueAt(): number | null {
    return this.#next(Infinity)?.dueAt ?? null;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (including timers and
   * interval repeats scheduled by those callbacks), then leaves `now()` at the target. Returns the
   * number of callbacks run. A callback that throws stops the advance with `now()` at its due time.
   */
  advance(ms: number): number {
    const target = this.#target(ms);
    let fired = 0;
    for (let timer = this.#next(target); timer; timer = this.#next(target)) {
      fired = this.#guard(fired);
      this.#fire(timer);
    }
    this.#now = target;
    return fired;
  }

  /**
   * Like {@link advance}, but lets promise chains settle before and after each timer, so code that
   * awaits a timer and then schedules the next one (retry loops, heartbeats) sees the right `now()`.
   */
  async advanceAsync(ms: number): Promise<number> {
    const target = this.#target(ms);
    let fired = 0;
    await flushMicrotasks();
    for (let timer = this.#next(target); timer; timer = this.#next(target)) {
      fired = this.#guard(fired);
      this.#fire(timer);
      await flushMicrotasks();
    }
    this.#now = target;
    return fired;
  }

  /** Advances to the next timer's due time and fires everything due then. Returns callbacks run. */
  runNext(): number {
    const dueAt = this.nextDueAt();
    return dueAt === null ? 0 : this.advance(dueAt - this.#now);
  }

  #schedule(callback: () => void, delayMs: number, intervalMs: number | null): TimerHandle {
    if (typeof callback !== 'function') throw new TypeError('FakeClock: callback must be a function');
    const id = this.#nextId++;
    this.#timers.set(id, { id, callback, intervalMs, dueAt: this.#now + delayMs, seq: this.#nextSeq++ });
    const handle: FakeHandle = { fakeTimerId: id };
    return handle as unknown as TimerHandle;
  }

  #clear(handle: TimerHandle | undefined): void {
    const id = (handle as Partial<FakeHandle> | undefined)?.fakeTimerId;
    if (id !== undefined) this.#timers.delete(id);
  }

  #target(ms: number): number {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`FakeClock: advance expects a finite number >= 0, received ${String(ms)}`);
    }
    return this.#now + ms;
  }

  /** Earliest timer due at or before `limit`; ties go to the one scheduled first. */
  #next(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.dueAt > limit) continue;
      if (!best || timer.dueAt < best.dueAt || (timer.dueAt === best.dueAt && timer.seq < best.seq)) {
        best = timer;
      }
    }
    return best;
  }

  #fire(timer: FakeTimer): void {
    this.#now = timer.dueAt;
    if (timer.intervalMs === null) {
      this.#timers.delete(timer.id);
    } else {
      // Re-arm before the callback so that clearInterval inside the callback wins.
      timer.dueAt += timer.intervalMs;
      timer.seq = this.#nextSeq++;
    }
    timer.callback();
  }

  #guard(fired: number): number {
    if (fired >= MAX_FIRINGS_PER_ADVANCE) {
      throw new Error(
        `FakeClock: more than ${MAX_FIRINGS_PER_ADVANCE} timers fired in one advance; ` +
          'a timer probably reschedules itself with a 0 ms delay',
      );
    }
    return fired + 1;
  }
}

function toDelay(delayMs: number): number {
  return typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
}
