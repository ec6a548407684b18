/**
 * Fault injection state shared by the REST handler, the WebSocket handshake and every outbound
 * channel: latency, scripted failures, rejected handshakes and the freeze gate.
 */

/** Options of `failNextRequests`. */
export interface FailRequestsOptions {
  /** HTTP status to answer with. @defaultValue 500 */
  status?: number;
  /** A route name of `Routes` (`'player'`, `'loadTracks'`, …) or a path prefix starting with `/`; unset matches every REST request. */
  route?: string;
  /** `message` of the error body. @defaultValue 'Emulated failure' */
  message?: string;
}

interface FailRule {
  remaining: number;
  status: number;
  route: string | undefined;
  message: string;
}

/** A scripted failure taken by one request. */
export interface ScriptedFailure {
  status: number;
  message: string;
}

export class FaultState {
  restLatencyMs = 0;
  /** Delay between handling a REST request and answering it (the way back). */
  restReplyLatencyMs = 0;
  wsLatencyMs = 0;
  /** How long the server takes to notice that a client dropped its socket (see `setLatency`). */
  closeNoticeMs = 0;
  /** Delay before a ping is answered (see `setLatency`). */
  pongLatencyMs = 0;
  /** How long each REST request holds the server, one after the other (see `setLatency`). */
  serviceMs = 0;
  /** When the server is free again (performance.now() time), with `serviceMs`. */
  private freeAt = 0;
  /** Pings go unanswered while everything else works (see `withholdPongs`). */
  pongsWithheld = false;
  private failRules: FailRule[] = [];
  private rejections: { status: number; remaining: number }[] = [];
  private frozen = false;
  private waiters: (() => void)[] = [];

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Queues a request behind the others (`serviceMs` each): how long it waits for its turn, in ms. */
  takeServiceSlot(now: number): number {
    if (this.serviceMs === 0) return 0;
    const start = Math.max(now, this.freeAt);
    this.freeAt = start + this.serviceMs;
    return this.freeAt - now;
  }

  failNext(count: number, options: FailRequestsOptions = {}): void {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`count must be a positive integer, received ${count}`);
    const status = options.status ?? 500;
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new RangeError(`invalid status ${status}`);
    this.failRules.push({
      remaining: count,
      status,
      route: options.route,
      message: options.message ?? 'Emulated failure',
    });
  }

  /** Takes the first scripted failure that matches this request, if any. */
  takeFailure(routeName: string | undefined, path: string): ScriptedFailure | undefined {
    const index = this.failRules.findIndex((rule) => matches(rule.route, routeName, path));
    const rule = this.failRules[index];
    if (rule === undefined) return undefined;
    if (--rule.remaining === 0) this.failRules.splice(index, 1);
    return { status: rule.status, message: rule.message };
  }

  rejectHandshakes(status: number, count: number): void {
    if (!Number.isInteger(status) || status < 200 || status > 599 || status === 101) {
      throw new RangeError(`invalid handshake status ${status}`);
    }
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`count must be a positive integer, received ${count}`);
    this.rejections.push({ status, remaining: count });
  }

  /** Whether handshakes are scripted to be rejected (see `rejectHandshakes`). */
  get rejectsHandshakes(): boolean {
    return this.rejections.length > 0;
  }

  /** The status to reject the next handshake with, if one is scripted. */
  takeHandshakeRejection(): number | undefined {
    const rejection = this.rejections[0];
    if (rejection === undefined) return undefined;
    if (--rejection.remaining === 0) this.rejections.shift();
    return rejection.status;
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Lifts the freeze and releases everything that waited for it, in arrival order. */
  unfreeze(): void {
    this.frozen = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Calls `callback` once the server is not frozen (at once if it is not). */
  whenUnfrozen(callback: () => void): void {
    if (this.frozen) this.waiters.push(callback);
    else callback();
  }

  /** Forgets every scripted fault (latency, failures, rejections, withheld pongs) and lifts a freeze. */
  reset(): void {
    this.restLatencyMs = 0;
    this.restReplyLatencyMs = 0;
    this.wsLatencyMs = 0;
    this.closeNoticeMs = 0;
    this.pongLatencyMs = 0;
    this.serviceMs = 0;
    this.freeAt = 0;
    this.pongsWithheld = false;
    this.failRules = [];
    this.rejections = [];
    this.unfreeze();
  }
}

function matches(rule: string | undefined, routeName: string | undefined, path: string): boolean {
  if (rule === undefined) return true;
  return rule.startsWith('/') ? path.startsWith(rule) : rule === routeName;
}
