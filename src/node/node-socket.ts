/**
 * One WebSocket connection attempt to a Lavalink node: the handshake, the heartbeat, and frame
 * parsing. It reports exactly one end (`onEnd`) however the socket dies, so the Node above it never
 * sees a late or duplicate failure from an attempt it has already moved past.
 */
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import { parseFrame } from '../protocol/parse.js';
import type { ParsedFrame } from '../protocol/parse.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { HEARTBEAT_TIMEOUT_CODE } from './close-codes.js';

/** How an attempt ended. */
export type SocketEnd =
  | { kind: 'closed'; code: number; reason: string; wasOpen: boolean }
  | { kind: 'rejected'; status: number }
  | { kind: 'failed'; error: Error; wasOpen: boolean };

export interface NodeSocketHandlers {
  onOpen(resumedHeader: boolean | null): void;
  onFrame(frame: ParsedFrame): void;
  onPong(rttMs: number): void;
  /** A ping has gone unanswered for `overdueMs` (the socket may be half-open; it is still open). */
  onPongOverdue(overdueMs: number): void;
  onEnd(end: SocketEnd): void;
}

export interface NodeSocketOptions {
  url: string;
  headers: Record<string, string>;
  heartbeatMs: number;
  /** How long after a ping its pong counts as overdue (asked at each ping); below `heartbeatMs`. */
  pongOverdueMs: () => number;
  clock: Clock;
}

export class NodeSocket {
  readonly #ws: WebSocket;
  readonly #handlers: NodeSocketHandlers;
  readonly #clock: Clock;
  readonly #pongOverdueMs: () => number;
  #heartbeat: TimerHandle | undefined;
  #overdue: TimerHandle | undefined;
  #pingSentAt: number | null = null;
  #open = false;
  #ended = false;

  constructor(options: NodeSocketOptions, handlers: NodeSocketHandlers) {
    this.#handlers = handlers;
    this.#clock = options.clock;
    this.#pongOverdueMs = options.pongOverdueMs;
    this.#ws = new WebSocket(options.url, {
      headers: options.headers,
      perMessageDeflate: false,
      followRedirects: false,
    });
    const ws = this.#ws;
    ws.on('upgrade', (response: IncomingMessage) => {
      const header = response.headers['session-resumed'];
      this.#resumedHeader = header === undefined ? null : header === 'true';
    });
    ws.on('open', () => this.#onOpen(options.heartbeatMs));
    ws.on('message', (data: WebSocket.RawData) => {
      if (this.#ended) return;
      this.#handlers.onFrame(parseFrame(data));
    });
    ws.on('pong', () => this.#onPong());
    ws.on('unexpected-response', (request, response: IncomingMessage) => {
      response.resume();
      request.destroy();
      this.#end({ kind: 'rejected', status: response.statusCode ?? 0 });
    });
    ws.on('error', (error: Error) => this.#end({ kind: 'failed', error, wasOpen: this.#open }));
    ws.on('close', (code: number, reason: Buffer) =>
      this.#end({ kind: 'closed', code, reason: reason.toString('utf8'), wasOpen: this.#open }),
    );
  }

  #resumedHeader: boolean | null = null;

  /** Whether the socket is open. */
  get isOpen(): boolean {
    return this.#open && !this.#ended;
  }

  /** Whether the last ping has gone without its pong past the time it counts as overdue. */
  get isPongOverdue(): boolean {
    return this.#pingSentAt !== null && this.#overdue === undefined && !this.#ended;
  }

  /** How long the last ping has gone unanswered (ms), or null when no ping is waiting. */
  get awaitingPongMs(): number | null {
    return this.#pingSentAt === null ? null : this.#clock.now() - this.#pingSentAt;
  }

  /** Closes gracefully; the end is reported through `onEnd` unless `silent`. */
  close(code = 1000, reason = 'closed by client', { silent = false } = {}): void {
    if (silent) this.#ended = true;
    this.#stopHeartbeat();
    if (this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.terminate();
    } else if (this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.close(code, reason);
      // A peer that never answers the close frame must not hold the socket open.
      const timer = this.#clock.setTimeout(() => this.#ws.terminate(), 1000);
      this.#ws.once('close', () => this.#clock.clearTimeout(timer));
    }
  }

  /** Kills the socket at once (half-open peers, heartbeat timeout). */
  terminate(code: number, reason: string): void {
    this.#stopHeartbeat();
    const wasOpen = this.#open;
    this.#ws.terminate();
    this.#end({ kind: 'closed', code, reason, wasOpen });
  }

  #onOpen(heartbeatMs: number): void {
    if (this.#ended) return;
    this.#open = true;
    this.#heartbeat = this.#clock.setInterval(() => this.#beat(), heartbeatMs);
    this.#handlers.onOpen(this.#resumedHeader);
    // First ping right away, so latency is known before the first interval, but after the frames that
    // came with the upgrade (Lavalink's `ready`): connecting is not slowed down by it.
    setImmediate(() => {
      if (this.#open && !this.#ended && this.#pingSentAt === null) this.#beat();
    });
  }

  #beat(): void {
    const pending = this.#pingSentAt;
    if (pending !== null) {
      // The previous ping got no pong within a whole interval: the socket is half-open. Unless the
      // pong is waiting to be read: a bot whose event loop was busy for longer than a heartbeat (a GC
      // pause, a burst of work) has its timers fire before its I/O. So the verdict waits for the I/O
      // already received (setImmediate runs after it), and a pong read meanwhile clears it.
      setImmediate(() => {
        if (this.#pingSentAt === pending && !this.#ended)
          this.terminate(HEARTBEAT_TIMEOUT_CODE, 'heartbeat timeout: no pong from Lavalink');
        else if (this.#pingSentAt === null && this.#open && !this.#ended) this.#beat();
      });
      return;
    }
    this.#pingSentAt = this.#clock.now();
    const overdueMs = this.#pongOverdueMs();
    this.#overdue = this.#clock.setTimeout(() => {
      this.#overdue = undefined;
      if (this.#pingSentAt !== null && !this.#ended) this.#handlers.onPongOverdue(overdueMs);
    }, overdueMs);
    try {
      this.#ws.ping();
    } catch {
      // The close event that follows reports the failure.
    }
  }

  #onPong(): void {
    if (this.#pingSentAt === null) return;
    const rtt = this.#clock.now() - this.#pingSentAt;
    this.#pingSentAt = null;
    this.#clock.clearTimeout(this.#overdue);
    this.#overdue = undefined;
    this.#handlers.onPong(rtt);
  }

  #stopHeartbeat(): void {
    this.#clock.clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#clock.clearTimeout(this.#overdue);
    this.#overdue = undefined;
  }

  #end(end: SocketEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopHeartbeat();
    if (end.kind !== 'closed') this.#ws.terminate();
    this.#handlers.onEnd(end);
  }
}
