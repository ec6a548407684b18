/**
 * When a Lavalink server's timestamp happened on this process's clock.
 *
 * A `playerUpdate` says where a track was at the server's `time`. Anchored at the moment the frame is
 * handled instead, the position is behind by however long the frame took: a latency spike on the
 * link, a node that thaws and sends what it held, or this process's own event loop busy with a burst
 * of work (a failover, a restore). The estimate then stays behind until the next update, and a move
 * meanwhile starts the track that far behind (chaos soak: 0.7–1.3 s behind after CPU-bound bursts).
 *
 * The two clocks need not agree. For each frame, `receivedAt - time` is the clocks' offset plus that
 * frame's delay; the smallest value over a window is the offset plus the link's best delay, so a
 * frame's own extra delay is its value minus that minimum. The window is two buckets of
 * {@link SERVER_CLOCK_WINDOW_MS}: a server clock stepped back by NTP is followed within two windows
 * (until then, positions read as that much older), while a delay that lasts longer than the window
 * becomes the new baseline, as it would be without this correction.
 */

/** Length of one of the two buckets of the sliding minimum, in ms. */
export const SERVER_CLOCK_WINDOW_MS = 30_000;

export class ServerClock {
  #current = Infinity;
  #previous = Infinity;
  #bucketStart = -Infinity;

  constructor(private readonly windowMs = SERVER_CLOCK_WINDOW_MS) {}

  /** Records a frame stamped `serverTime` by the server and handled at `receivedAt` here. */
  observe(serverTime: number, receivedAt: number): void {
    if (!isTimestamp(serverTime)) return;
    const sinceStart = receivedAt - this.#bucketStart;
    if (sinceStart >= this.windowMs) {
      this.#previous = sinceStart >= 2 * this.windowMs ? Infinity : this.#current;
      this.#current = Infinity;
      this.#bucketStart = receivedAt;
    }
    this.#current = Math.min(this.#current, receivedAt - serverTime);
  }

  /**
   * The local time at which the server's clock read `serverTime`, for a frame handled at
   * `receivedAt`: never later than `receivedAt`; `unknown` when no frame told the offset yet or
   * `serverTime` is no timestamp.
   */
  toLocal(serverTime: number, receivedAt: number, unknown = receivedAt): number {
    const offset = Math.min(this.#current, this.#previous);
    if (!isTimestamp(serverTime) || offset === Infinity) return unknown;
    return Math.min(receivedAt, serverTime + offset);
  }
}

/** Lavalink sends Unix ms; 0 or garbage (a plugin, an old server) means no timestamp. */
function isTimestamp(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}
