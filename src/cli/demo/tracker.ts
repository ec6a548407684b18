/**
 * Counts what the bot's pools report (failovers, moves, resumes, restores, errors) and estimates
 * each guild's silence from events.
 *
 * Silence estimate: when a player moves off a node, its guild was silent from the failure of that
 * node (the moment the script killed it, or for an unscripted failure the node's `nodeDisconnect`)
 * to the `playerMoved` event of its re-creation. A node that resumes its session moves nobody and
 * costs no silence: Lavalink kept playing while the socket was down.
 */
import type { Pool } from '../../index.js';

/** Counters shown live and in the summary. */
export interface DemoCounters {
  failovers: number;
  moves: number;
  /** Sessions resumed (after a blip or a bot restart). */
  resumes: number;
  /** Players found on the server by those resumes. */
  resumedPlayers: number;
  /** Players re-attached from the store by restarted bots. */
  restored: number;
  /** …of which the node's session resumed with them: no gap at all. */
  restoredInPlace: number;
  /** …of which had to be re-created on a node. */
  restoredRecreated: number;
  errors: number;
}

/** The longest silence estimated for one guild. */
export interface Silence {
  guildId: string;
  ms: number;
  from: string;
  to: string;
}

interface Outage {
  since: number;
  /** When the node was ready again, or null while it is down. */
  endedAt: number | null;
}

/** A move this long after its node came back is not blamed on that outage. */
const OUTAGE_GRACE_MS = 5_000;
const MAX_ERROR_MESSAGES = 5;

export class EventTracker {
  readonly counters: DemoCounters = {
    failovers: 0,
    moves: 0,
    resumes: 0,
    resumedPlayers: 0,
    restored: 0,
    restoredInPlace: 0,
    restoredRecreated: 0,
    errors: 0,
  };
  /** Distinct error messages (the first few) and how often each came. */
  readonly errorMessages = new Map<string, number>();
  readonly #outages = new Map<string, Outage>();
  readonly #silences = new Map<string, Silence>();
  readonly #awaitingRestore = new Set<string>();

  constructor(private readonly now: () => number) {}

  /** Listens to a pool; returns a function that stops listening. */
  attach(pool: Pool): () => void {
    const offs = [
      pool.on('failoverStart', () => void this.counters.failovers++),
      pool.on('playerMoved', ({ player, from, to, reason }) => {
        this.counters.moves += 1;
        if (this.#awaitingRestore.delete(player.guildId)) this.counters.restoredRecreated += 1;
        if (reason !== 'manual' && reason !== 'drain')
          this.#silence(player.guildId, from.identifier, to.identifier);
      }),
      pool.on('nodeResumed', ({ node, players }) => {
        this.counters.resumes += 1;
        this.counters.resumedPlayers += players.length;
        this.#settleRestores(pool, node, new Set(players.map((player) => player.guildId)));
      }),
      pool.on('nodeDisconnect', ({ node }) => {
        const outage = this.#outages.get(node);
        if (outage === undefined || outage.endedAt !== null) this.nodeFailed(node);
      }),
      pool.on('nodeReady', ({ node }) => {
        const outage = this.#outages.get(node);
        if (outage !== undefined && outage.endedAt === null) outage.endedAt = this.now();
      }),
      pool.on('error', (error) => {
        this.counters.errors += 1;
        const message = `${error.code}: ${error.message}`;
        const seen = this.errorMessages.get(message);
        if (seen !== undefined) this.errorMessages.set(message, seen + 1);
        else if (this.errorMessages.size < MAX_ERROR_MESSAGES) this.errorMessages.set(message, 1);
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** A node failed now (the script calls this as it breaks one, before the pool can notice). */
  nodeFailed(node: string): void {
    this.#outages.set(node, { since: this.now(), endedAt: null });
  }

  /** A restarted bot re-attached these guilds from the store; they count as restored once back. */
  beginRestore(guildIds: Iterable<string>): void {
    for (const guildId of guildIds) {
      this.#awaitingRestore.add(guildId);
      this.counters.restored += 1;
    }
  }

  /** Restored players not yet confirmed by a resume or a re-creation. */
  get restoresPending(): number {
    return this.#awaitingRestore.size;
  }

  /** The longest silence of any guild, or null when nobody was silent. */
  longestSilence(): Silence | null {
    let longest: Silence | null = null;
    for (const silence of this.#silences.values())
      if (longest === null || silence.ms > longest.ms) longest = silence;
    return longest;
  }

  /** How many guilds had a silence at all. */
  get silencedGuilds(): number {
    return this.#silences.size;
  }

  #silence(guildId: string, from: string, to: string): void {
    const outage = this.#outages.get(from);
    const now = this.now();
    if (outage === undefined || (outage.endedAt !== null && now - outage.endedAt > OUTAGE_GRACE_MS)) return;
    const ms = now - outage.since;
    const previous = this.#silences.get(guildId);
    if (previous === undefined || ms > previous.ms) this.#silences.set(guildId, { guildId, ms, from, to });
  }

  /** After a resume, restored players of that node are back: in place if the server had them. */
  #settleRestores(pool: Pool, node: string, onServer: ReadonlySet<string>): void {
    for (const guildId of [...this.#awaitingRestore]) {
      if (pool.getPlayer(guildId)?.node.identifier !== node) continue;
      this.#awaitingRestore.delete(guildId);
      if (onServer.has(guildId)) this.counters.restoredInPlace += 1;
      else this.counters.restoredRecreated += 1;
    }
  }
}
