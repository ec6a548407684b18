/**
 * Frames from the emulator to one WebSocket client, in order, through the fault layer: each frame
 * waits the WebSocket latency configured when it was queued, and nothing leaves while the server is
 * frozen (frames pile up as a hung process's unsent output would, and go out on unfreeze).
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { FaultState } from './faults.js';

interface Pending {
  dueAt: number;
  data: string | Buffer;
}

export class OutboundChannel {
  private queue: Pending[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingForUnfreeze = false;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    /** The TCP socket under the WebSocket, for network-level faults. */
    readonly transport: Socket,
    private readonly faults: FaultState,
  ) {}

  send(data: string | Buffer): void {
    if (this.closed) return;
    const latency = this.faults.wsLatencyMs;
    if (latency === 0 && this.head === this.queue.length && !this.faults.isFrozen) {
      this.write(data);
      return;
    }
    // Later frames never overtake earlier ones, even if the latency was lowered in between.
    const last = this.queue[this.queue.length - 1];
    const dueAt = Math.max(
      performance.now() + latency,
      this.head < this.queue.length && last ? last.dueAt : 0,
    );
    this.queue.push({ dueAt, data });
    this.pump();
  }

  /** Drops pending frames and stops the timer; the socket itself is closed by the caller. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
  }

  private pump(): void {
    if (this.timer !== undefined || this.waitingForUnfreeze || this.closed) return;
    while (this.head < this.queue.length) {
      if (this.faults.isFrozen) {
        this.waitingForUnfreeze = true;
        this.faults.whenUnfrozen(() => {
          this.waitingForUnfreeze = false;
          this.pump();
        });
        return;
      }
      const next = this.queue[this.head]!;
      const wait = next.dueAt - performance.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait).unref();
        return;
      }
      this.head++;
      this.write(next.data);
    }
    this.queue = [];
    this.head = 0;
  }

  private write(data: string | Buffer): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data);
  }
}
