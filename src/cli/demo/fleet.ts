/**
 * The emulated Lavalink side of the demo: a few `LavalinkEmulator`s on free ports, the faults the
 * scenario throws at them, and a read of what each one is really playing (the truth the demo checks
 * the bot against).
 */
import type { LavalinkPlayer, NodeOptions } from '../../index.js';
import { LavalinkEmulator } from '../../testing/index.js';
import { DEMO_DEFAULTS } from './settings.js';

/** One emulated Lavalink server. */
export interface FleetNode {
  /** The node's identifier in the bot's pool (`node-1`, …). */
  readonly identifier: string;
  readonly emulator: LavalinkEmulator;
  /** Whether the server process is running (false between a kill and a restart). */
  isUp: boolean;
}

/** A guild's player that is audible: it has a track and is not paused. */
export interface AudiblePlayer {
  node: string;
  sessionId: string;
  /** `track.info.identifier`. */
  trackId: string;
  position: number;
}

export class DemoFleet {
  readonly nodes: readonly FleetNode[];

  private constructor(nodes: FleetNode[]) {
    this.nodes = nodes;
  }

  /** Starts `count` emulators on free ports of 127.0.0.1. */
  static async start(count: number = DEMO_DEFAULTS.nodes): Promise<DemoFleet> {
    const nodes = Array.from({ length: count }, (_, i) => ({
      identifier: `node-${i + 1}`,
      emulator: new LavalinkEmulator({
        port: 0,
        playerUpdateIntervalMs: DEMO_DEFAULTS.playerUpdateIntervalMs,
        statsIntervalMs: DEMO_DEFAULTS.statsIntervalMs,
      }),
      isUp: false,
    }));
    const fleet = new DemoFleet(nodes);
    try {
      await Promise.all(
        nodes.map(async (node) => {
          await node.emulator.start();
          node.isUp = true;
        }),
      );
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /** The node options of a pool over this fleet: quick heartbeats and reconnects, as a demo wants. */
  nodeOptions(): NodeOptions[] {
    return this.nodes.map((node) => ({
      identifier: node.identifier,
      uri: node.emulator.url,
      password: node.emulator.password,
      heartbeatMs: 1_000,
      requestTimeoutMs: 2_000,
      reconnect: { baseDelayMs: 200, maxDelayMs: 1_000 },
    }));
  }

  node(identifier: string): FleetNode {
    const node = this.nodes.find((candidate) => candidate.identifier === identifier);
    if (node === undefined) throw new Error(`The demo fleet has no node '${identifier}'`);
    return node;
  }

  /** Abrupt process death: sockets reset, sessions and players gone, connections refused. */
  async kill(identifier: string): Promise<void> {
    const node = this.node(identifier);
    node.isUp = false;
    await node.emulator.kill();
  }

  /** The server comes back as a fresh process on the same port (no sessions). */
  async restart(identifier: string): Promise<void> {
    const node = this.node(identifier);
    await node.emulator.restart({ keepSessions: false });
    node.isUp = true;
  }

  /** A network blip: the bot's socket is reset, the server and its sessions live on. */
  blip(identifier: string): number {
    return this.node(identifier).emulator.dropConnection();
  }

  /** The player of `guildId` in one session of one node, as `GET …/players/{guildId}` would show it. */
  player(identifier: string, sessionId: string, guildId: string): LavalinkPlayer | undefined {
    const node = this.node(identifier);
    return node.isUp ? node.emulator.player(sessionId, guildId) : undefined;
  }

  /**
   * Every audible player of every running server, by guild. Paused sessions count: a real Lavalink
   * keeps sending audio while the bot is away.
   */
  audible(): Map<string, AudiblePlayer[]> {
    const byGuild = new Map<string, AudiblePlayer[]>();
    for (const node of this.nodes) {
      if (!node.isUp) continue;
      for (const session of node.emulator.sessions()) {
        for (const player of node.emulator.players(session.id)) {
          if (player.track === null || player.paused) continue;
          const entry: AudiblePlayer = {
            node: node.identifier,
            sessionId: session.id,
            trackId: player.track.info.identifier,
            position: player.state.position,
          };
          const list = byGuild.get(player.guildId);
          if (list) list.push(entry);
          else byGuild.set(player.guildId, [entry]);
        }
      }
    }
    return byGuild;
  }

  /** Stops every server. */
  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        node.isUp = false;
        await node.emulator.stop();
      }),
    );
  }
}
