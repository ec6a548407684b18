/**
 * How long a node's quick REST requests take now: a smoothed round trip of the requests that do no
 * outside work on the server (players, session, version, info, stats: not track loading, which
 * waits on YouTube and the like). Failovers use it to start a moved track where it will be when the
 * request arrives, not where it was when it left.
 */
import type { RestRouteLabel } from './node-rest-options.js';

/** Weight of a new sample. */
const SMOOTHING = 0.3;
/** Older than this, the figure says nothing about now (a latency spike that ended unseen). */
const STALE_AFTER_MS = 5_000;
const QUICK_ROUTES: ReadonlySet<RestRouteLabel> = new Set<RestRouteLabel>([
  'player',
  'players',
  'session',
  'version',
  'info',
  'stats',
]);

/** @internal A smoothed figure that says nothing once it has had no sample for 5 s. */
export class RecentAverage {
  #smoothedMs: number | null = null;
  #sampledAt = 0;

  record(ms: number, now: number): void {
    const previous = this.recentMs(now);
    this.#smoothedMs = previous === null ? ms : previous + SMOOTHING * (ms - previous);
    this.#sampledAt = now;
  }

  /** The smoothed figure, or null with no sample in the last 5 s. */
  recentMs(now: number): number | null {
    return this.#smoothedMs !== null && now - this.#sampledAt <= STALE_AFTER_MS ? this.#smoothedMs : null;
  }
}

/** @internal The smoothed round trip of one node's quick REST requests. */
export class RestLatency {
  readonly #average = new RecentAverage();

  /** Records one answered attempt (any status: an error page also crossed the network). */
  record(route: RestRouteLabel, status: number | null, durationMs: number, now: number): void {
    if (status === null || !QUICK_ROUTES.has(route)) return;
    this.#average.record(durationMs, now);
  }

  /** The smoothed round trip in ms, or null with no sample in the last 5 s. */
  recentMs(now: number): number | null {
    return this.#average.recentMs(now);
  }
}
