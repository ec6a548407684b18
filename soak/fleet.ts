/**
 * The emulated Lavalink side of the soak: the demo's fleet of emulators (reused as is) plus the
 * faults the demo does not throw (freeze, latency, REST errors, session expiry, network outage), and
 * which nodes are live. A node is live when its process runs and is not frozen: a hung Lavalink
 * sends no audio, whatever its players' positions say.
 */
import { DemoFleet } from '../src/cli/demo/fleet.js';
import type { AudiblePlayer } from '../src/cli/demo/fleet.js';
import type { LavalinkEmulator } from '../src/testing/index.js';
import type { Action } from './plan.js';

/** A failure that silences players: when it happened, where, and which session it hit. */
export interface NodeFailure {
  node: string;
  /** performance.now() of the failure. */
  at: number;
  /** The session whose players went silent, or null for the whole node. */
  sessionId: string | null;
  cause: string;
}

/** A player's REST path: session and guild. */
const PLAYER_PATH = /^\/v4\/sessions\/([^/]+)\/players\/([^/]+)$/;

export class SoakFleet {
  readonly #fleet: DemoFleet;
  readonly #frozen = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(fleet: DemoFleet) {
    this.#fleet = fleet;
  }

  /** Starts `count` emulators on free ports of 127.0.0.1. */
  static async start(count: number): Promise<SoakFleet> {
    return new SoakFleet(await DemoFleet.start(count));
  }

  /** Node identifiers (`node-1`, …) in index order. */
  get identifiers(): string[] {
    return this.#fleet.nodes.map((node) => node.identifier);
  }

  /** Node options of a pool over the fleet, without the tuning (the bot adds its own). */
  endpoints(): Array<{ identifier: string; uri: string; password: string }> {
    return this.#fleet.nodes.map((node) => ({
      identifier: node.identifier,
      uri: node.emulator.url,
      password: node.emulator.password,
    }));
  }

  emulator(identifier: string): LavalinkEmulator {
    return this.#fleet.node(identifier).emulator;
  }

  /** Whether the node's process runs and is not frozen. */
  isLive(identifier: string): boolean {
    return this.#fleet.node(identifier).isUp && !this.#frozen.has(identifier);
  }

  /** Whether the node's process runs (frozen or not). */
  isUp(identifier: string): boolean {
    return this.#fleet.node(identifier).isUp;
  }

  /**
   * How many nodes could take players now: live, and accepting handshakes. A node that refuses them
   * (the session-expiry fault, a restart in progress) plays on in its paused sessions, but no client
   * can open a session there, so players that lost their node have nowhere to go on it.
   */
  usableCount(): number {
    return this.identifiers.filter((id) => this.isLive(id) && !this.emulator(id).refusesHandshakes).length;
  }

  /** Every playing player of every running server (frozen ones included), by guild. */
  audible(): Map<string, AudiblePlayer[]> {
    return this.#fleet.audible();
  }

  /**
   * Guilds with a player update the node has received and not answered (held by a freeze, waiting
   * out latency): on their way there. Of one session, or of all with `sessionId` null.
   */
  guildsArriving(identifier: string, sessionId: string | null): string[] {
    if (!this.isUp(identifier)) return [];
    const guilds: string[] = [];
    for (const { method, path } of this.emulator(identifier).pendingRequests()) {
      const match = PLAYER_PATH.exec(path);
      if (method === 'PATCH' && match && (sessionId === null || match[1] === sessionId))
        guilds.push(match[2]!);
    }
    return guilds;
  }

  /** The sessions of a node that have a client socket attached. */
  connectedSessions(identifier: string): string[] {
    if (!this.isUp(identifier)) return [];
    return this.emulator(identifier)
      .sessions()
      .filter((session) => session.connected)
      .map((session) => session.id);
  }

  /**
   * Applies one planned fault. Resolves with the failures it caused at once; `onLaterFailure` gets
   * the ones that come later (a session that expires after a delay).
   */
  async apply(
    action: Exclude<Action, { kind: 'botRestart' }>,
    onLaterFailure: (failure: NodeFailure) => void,
  ): Promise<NodeFailure[]> {
    const id = this.identifiers[action.node]!;
    const emulator = this.emulator(id);
    const failure = (sessionId: string | null = null): NodeFailure => ({
      node: id,
      at: performance.now(),
      sessionId,
      cause: action.kind,
    });
    switch (action.kind) {
      case 'kill': {
        const at = failure();
        this.#frozen.delete(id);
        await this.#fleet.kill(id);
        return [at];
      }
      case 'restart':
        if (!this.isUp(id)) await this.#fleet.restart(id);
        return [];
      case 'freeze':
        if (!this.isLive(id)) return [];
        emulator.freeze();
        this.#frozen.add(id);
        return [failure()];
      case 'unfreeze':
        this.#frozen.delete(id);
        emulator.unfreeze();
        return [];
      case 'latency':
        emulator.setLatency({ restMs: action.restMs, wsMs: action.wsMs });
        return [];
      case 'latencyEnd':
        emulator.setLatency({ restMs: 0, wsMs: 0 });
        return [];
      case 'restErrors':
        emulator.failNextRequests(action.count, { status: action.status });
        return [];
      case 'blip':
        emulator.dropConnection();
        return [];
      case 'outage':
        if (this.isUp(id) && !this.#frozen.has(id)) await emulator.restart({ keepSessions: true });
        return [];
      case 'sessionExpiry':
        return this.#expireSessions(
          id,
          action.rejectHandshakes,
          action.expireAfterMs,
          failure,
          onLaterFailure,
        );
    }
  }

  /**
   * Drops the bot's sockets so their sessions pause, refuses the next handshakes, and ends the
   * paused sessions (now, or after `expireAfterMs` if the bot has not resumed by then).
   */
  #expireSessions(
    id: string,
    rejectHandshakes: number,
    expireAfterMs: number,
    failure: (sessionId: string) => NodeFailure,
    onLaterFailure: (failure: NodeFailure) => void,
  ): NodeFailure[] {
    if (!this.isLive(id)) return [];
    const emulator = this.emulator(id);
    const sessions = this.connectedSessions(id);
    if (rejectHandshakes > 0) emulator.rejectHandshake(503, rejectHandshakes);
    for (const sessionId of sessions) emulator.dropConnection(sessionId);
    const expire = (sessionId: string): NodeFailure | null =>
      this.isUp(id) && emulator.expireSession(sessionId) ? failure(sessionId) : null;
    if (expireAfterMs === 0) return sessions.map(expire).filter((f) => f !== null);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      for (const sessionId of sessions) {
        const later = expire(sessionId);
        if (later) onLaterFailure(later);
      }
    }, expireAfterMs);
    this.#timers.add(timer);
    return [];
  }

  /** Ends every fault: killed nodes restart, frozen ones thaw, latency and scripted errors go. */
  async heal(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all(
      this.identifiers.map(async (id) => {
        this.#frozen.delete(id);
        this.emulator(id).resetFaults();
        if (!this.isUp(id)) await this.#fleet.restart(id);
      }),
    );
  }

  /** Stops every server. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#frozen.clear();
    await this.#fleet.stop();
  }
}
