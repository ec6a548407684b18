/**
 * The bot's side of a guild's story, for the report when an invariant breaks: the last few pool
 * events of each guild (moves, resumes, restores, track starts and ends). Kept as numbers in a
 * fixed ring per guild, allocated once: the bot's heap is an invariant, and a trace that grew (or
 * churned strings) would blur it. Pool-wide events (failovers, breakers, node states) are a short
 * ring of strings under {@link POOL_KEY}.
 */
import type { Player, Pool } from '../src/index.js';

const ENTRIES_PER_GUILD = 8;
/** Fields of one entry: time, kind, node, other node, track, position. */
const FIELDS = 6;
const POOL_ENTRIES = 40;
export const POOL_KEY = 'pool';

const KINDS = [
  'moved',
  'trackStart',
  'trackEnd',
  'destroyed',
  'resumed with it on the server',
  'restored from the store',
  'move failed',
] as const;
type Kind = (typeof KINDS)[number];

interface Ring {
  entries: Float64Array;
  /** Reasons of moves, ends and destroys, by slot (interned strings: no allocation). */
  reasons: string[];
  next: number;
  size: number;
}

export class GuildTrace {
  readonly #rings = new Map<string, Ring>();
  readonly #names: string[] = [];
  readonly #ids = new Map<string, number>();
  readonly #pool: Array<[number, string]> = [];

  /** Records what happens to the pool's players; returns a function that stops it. */
  attach(pool: Pool): () => void {
    const offs = [
      pool.on('playerMoved', ({ player, from, to, reason }) =>
        this.add('moved', player, reason, from.identifier, to.identifier),
      ),
      pool.on('trackStart', ({ player, track }) =>
        this.add('trackStart', player, '', null, null, track.info.identifier),
      ),
      pool.on('trackEnd', ({ player, track, reason }) =>
        this.add('trackEnd', player, reason, null, null, track.info.identifier),
      ),
      pool.on('playerDestroyed', ({ player, reason }) => this.add('destroyed', player, reason)),
      pool.on('nodeResumed', ({ node, players }) => {
        for (const { guildId } of players) {
          const player = pool.getPlayer(guildId);
          if (player) this.add('resumed with it on the server', player, '', node);
        }
      }),
      pool.on('failoverStart', ({ node, players, reason }) =>
        this.addPool(`failoverStart ${node.identifier}: ${players} players (${reason})`),
      ),
      pool.on('failoverEnd', ({ node, moved, parked, durationMs }) =>
        this.addPool(`failoverEnd ${node.identifier}: ${moved} moved, ${parked} parked in ${durationMs} ms`),
      ),
      pool.on('playersRestored', ({ node, count }) =>
        this.addPool(`playersRestored ${node.identifier}: ${count}`),
      ),
      pool.on('nodeBreakerChange', ({ node, from, to }) => this.addPool(`breaker ${node}: ${from} → ${to}`)),
      pool.on('nodeStatusChange', ({ node, from, to }) => this.addPool(`node ${node}: ${from} → ${to}`)),
      pool.on('nodeSessionLost', ({ node }) => this.addPool(`session lost ${node}`)),
      pool.on('nodeDisconnect', ({ node, code, reason }) =>
        this.addPool(`disconnect ${node}: ${code} ${reason}`),
      ),
      // The failover's few debug lines: a move that failed on its target (and goes on to the next),
      // moves given up on a target that stopped answering, probes.
      pool.on('debug', ({ scope, message, data }) => {
        if (scope !== 'failover') return;
        if (message.startsWith('move failed')) {
          const player = pool.getPlayer(String(data?.guildId));
          if (player) this.add('move failed', player, '', String(data?.node));
        } else if (message.startsWith('giving up') || message.startsWith('probe')) {
          this.addPool(`${message}: ${String(data?.node)}`);
        }
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Records the players a new pool restored from the store. */
  restored(pool: Pool): void {
    for (const player of pool.players.values()) this.add('restored from the store', player, '');
  }

  addPool(what: string): void {
    this.#pool.push([Date.now(), what]);
    if (this.#pool.length > POOL_ENTRIES) this.#pool.shift();
  }

  /** The entries of some guilds (and of the pool, under {@link POOL_KEY}), as [epoch ms, text]. */
  of(guildIds: readonly string[]): Record<string, Array<[number, string]>> {
    const result: Record<string, Array<[number, string]>> = { [POOL_KEY]: [...this.#pool] };
    for (const guildId of guildIds) result[guildId] = this.#read(guildId);
    return result;
  }

  add(
    kind: Kind,
    player: Player,
    reason: string,
    node?: string | null,
    to?: string | null,
    track?: string,
  ): void {
    let ring = this.#rings.get(player.guildId);
    if (!ring) {
      const entries = new Float64Array(ENTRIES_PER_GUILD * FIELDS);
      ring = { entries, reasons: new Array<string>(ENTRIES_PER_GUILD).fill(''), next: 0, size: 0 };
      this.#rings.set(player.guildId, ring);
    }
    const at = ring.next * FIELDS;
    const values = [
      Date.now(),
      KINDS.indexOf(kind),
      this.#id(node ?? player.node.identifier),
      to == null ? -1 : this.#id(to),
      this.#id(track ?? player.track?.info.identifier ?? 'idle'),
      Math.round(player.position),
    ];
    ring.entries.set(values, at);
    ring.reasons[ring.next] = reason;
    ring.next = (ring.next + 1) % ENTRIES_PER_GUILD;
    ring.size = Math.min(ring.size + 1, ENTRIES_PER_GUILD);
  }

  #read(guildId: string): Array<[number, string]> {
    const ring = this.#rings.get(guildId);
    if (!ring) return [];
    const lines: Array<[number, string]> = [];
    for (let i = 0; i < ring.size; i++) {
      const slot = (ring.next - ring.size + i + ENTRIES_PER_GUILD) % ENTRIES_PER_GUILD;
      const [time, kind, node, to, track, position] = ring.entries.subarray(
        slot * FIELDS,
        slot * FIELDS + FIELDS,
      );
      const where = to! >= 0 ? `${this.#names[node!]} → ${this.#names[to!]}` : `on ${this.#names[node!]}`;
      const reason = ring.reasons[slot] ? ` (${ring.reasons[slot]})` : '';
      lines.push([time!, `${KINDS[kind!]}${reason} ${where}, ${this.#names[track!]} at ${position} ms`]);
    }
    return lines;
  }

  /** A small number for a node or track name (there are a few dozen of them). */
  #id(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.push(name) - 1;
      this.#ids.set(name, id);
    }
    return id;
  }
}
