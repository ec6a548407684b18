/**
 * Ends sessions of this bot's that a server may still hold after the node failed to resume them.
 *
 * Lavalink pauses a session only once it has seen its socket close. A node that drops its socket
 * itself (a pong that never came) reconnects at once, and a server that is loaded, or behind a proxy
 * that keeps its side of the connection open a while, may still count the old session as connected
 * when the resume arrives: it answers with a new session, and the old one pauses a moment later and
 * plays on with every player for the whole resume window, while the pool re-creates those players
 * (soak seed 2: 769 guilds on two servers). Nothing else would ever reach that session again.
 *
 * So after such a failed resume the old session is asked for on a side connection, a few times over
 * a few seconds, until the server has let it go: resumed there, it is set not to resume and closed,
 * which ends it and its players at once. An attempt that gets a new session instead closes it again
 * (a new session does not resume, so it ends with its socket).
 */
import { sleep } from '../resilience/sleep.js';
import type { Clock } from '../util/clock.js';
import { NodeSocket } from './node-socket.js';

/** When the attempts start, counted from the failed resume, in ms. */
export const STALE_SESSION_ATTEMPTS_MS: readonly number[] = Object.freeze([0, 200, 600, 1_400, 3_000]);

export interface StaleSessionOptions {
  url: string;
  /** The handshake headers without `Session-Id`. */
  headers: () => Record<string, string>;
  clock: Clock;
  /** How long one attempt may take to get its `ready`. */
  timeoutMs: number;
  /** Sets `sessionId` not to resume (`PATCH /v4/sessions/{sessionId}`), so that its close ends it. */
  stopResuming(sessionId: string): Promise<unknown>;
  /** Reports what happened, for debug events. */
  onOutcome(sessionId: string, outcome: 'ended' | 'not found'): void;
}

type Attempt = 'resumed' | 'new' | 'failed';

/** @internal The stale sessions of one node, ended in the background. */
export class StaleSessions {
  readonly #options: StaleSessionOptions;
  readonly #sockets = new Set<NodeSocket>();
  /** Aborted by {@link cancel}: the runs started before it stop. */
  #runs = new AbortController();

  constructor(options: StaleSessionOptions) {
    this.#options = options;
  }

  /** Makes sure `sessionId` ends, if the server still holds it or comes to pause it shortly. */
  end(sessionId: string): void {
    // A cancelled run ends in its wait's ERR_ABORTED: nothing to report.
    this.#run(sessionId, this.#runs.signal).catch(() => undefined);
  }

  /** Stops every attempt (the node is closing; it may connect again later). */
  cancel(): void {
    this.#runs.abort();
    this.#runs = new AbortController();
    // Each socket's end settles its attempt (and clears its timer).
    for (const socket of [...this.#sockets]) socket.terminate(1000, 'node closed');
  }

  async #run(sessionId: string, signal: AbortSignal): Promise<void> {
    let elapsed = 0;
    for (const at of STALE_SESSION_ATTEMPTS_MS) {
      if (at > elapsed) await sleep(at - elapsed, { signal, clock: this.#options.clock });
      elapsed = at;
      if ((await this.#attempt(sessionId)) === 'resumed') {
        this.#options.onOutcome(sessionId, 'ended');
        return;
      }
    }
    if (!signal.aborted) this.#options.onOutcome(sessionId, 'not found');
  }

  /** One side connection asking for `sessionId`; ends whatever session it gets. */
  #attempt(sessionId: string): Promise<Attempt> {
    const { url, headers, clock, timeoutMs } = this.#options;
    return new Promise((resolve) => {
      let outcome: Attempt | null = null;
      const finish = (result: Attempt, close: boolean): void => {
        if (outcome !== null) return;
        outcome = result;
        clock.clearTimeout(timer);
        this.#sockets.delete(socket);
        if (close) socket.close(1000, 'stale session ended by lavafleet', { silent: true });
        resolve(result);
      };
      const socket = new NodeSocket(
        {
          url,
          headers: { ...headers(), 'Session-Id': sessionId },
          // The socket lives for one request: no heartbeat worth the name.
          heartbeatMs: timeoutMs * 10,
          pongOverdueMs: () => timeoutMs * 5,
          clock,
        },
        {
          onOpen: () => undefined,
          onPong: () => undefined,
          onPongOverdue: () => undefined,
          onFrame: (frame) => {
            if (outcome !== null || frame.kind !== 'message' || frame.message.op !== 'ready') return;
            if (!frame.message.resumed) {
              finish('new', true);
              return;
            }
            // Not resumable any more, then closed: Lavalink ends the session and its players.
            this.#options.stopResuming(sessionId).then(
              () => finish('resumed', true),
              // Closed as it is, it pauses again: the next attempt tries once more.
              () => finish('failed', true),
            );
          },
          onEnd: () => finish('failed', false),
        },
      );
      this.#sockets.add(socket);
      const timer = clock.setTimeout(() => {
        socket.terminate(1006, 'no ready op in time');
        finish('failed', false);
      }, timeoutMs);
    });
  }
}
