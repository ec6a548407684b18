/**
 * Keeps the store in step with the pool, cheaply: players mark themselves dirty when they change,
 * and a save writes only those (and deletes the removed ones) in one batch. Each player is saved with
 * its node's session id, so a restart resumes the sessions this process's own players are in (see
 * {@link SavedPlayer}). Several processes may share a store: each saves, restores and clears only the
 * guilds it owns, and never touches the others' entries.
 */
import type { LavafleetError } from '../errors.js';
import { ErrorCodes, LavafleetError as Lfe } from '../errors.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { parsePlayerSnapshot } from './snapshot.js';
import type { SavedPlayer } from './snapshot.js';
import type { StateStore, StoreEntry } from './state-store.js';

/** How soon a new player is saved (the periodic save only starts it at its interval). */
export const NEW_PLAYER_SAVE_MS = 100;

export interface StateManagerOptions {
  store: StateStore;
  /** Prefix of every key, per bot: `lavafleet/<userId>/`. */
  prefix: string;
  intervalMs: number;
  clock: Clock;
  /** Whether this process owns a guild: only those are saved, restored and cleared. */
  owns(guildId: string): boolean;
  /** Builds the snapshot of a dirty player, or null if it is gone. */
  snapshot(guildId: string): SavedPlayer | null;
  /**
   * Called before each save to mark players dirty whose changes did not mark them (a queue edited
   * in place, a failover move).
   */
  collectChanges?(markDirty: (guildId: string) => void): void;
  onError(error: LavafleetError): void;
  /** Called after each save with what was written. */
  onSave?(info: { players: number; deleted: number; durationMs: number }): void;
}

/** What a restore found. */
export interface RestoredState {
  /** The saved players this process owns. */
  players: SavedPlayer[];
  /** Per node identifier, the session to resume: the one most of these players are in. */
  sessions: Map<string, string>;
}

export class StateManager {
  readonly #options: StateManagerOptions;
  readonly #dirty = new Set<string>();
  readonly #removed = new Set<string>();
  #timer: TimerHandle | undefined;
  /** A save sooner than the interval, for new players (see {@link saveSoon}). */
  #soon: TimerHandle | undefined;
  #saving: Promise<void> | null = null;

  constructor(options: StateManagerOptions) {
    this.#options = options;
  }

  /** Starts the periodic save. */
  start(): void {
    if (this.#timer !== undefined || this.#options.intervalMs <= 0) return;
    this.#timer = this.#options.clock.setInterval(() => {
      this.save().catch((error: unknown) => this.#options.onError(asStoreError(error)));
    }, this.#options.intervalMs);
  }

  /** Stops the periodic save (a final `save()` is the caller's). */
  stop(): void {
    this.#options.clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#options.clock.clearTimeout(this.#soon);
    this.#soon = undefined;
  }

  /**
   * Saves within {@link NEW_PLAYER_SAVE_MS} rather than on the next interval: a new player, or one
   * re-created in another session, is the change a restart cannot make up for (a lost position is
   * estimated; a player never saved is gone, a copy in an unknown session plays on), so a bot killed
   * a moment after a join or a failover still restores it. Changes in a burst share one save.
   */
  saveSoon(): void {
    if (this.#timer === undefined || this.#soon !== undefined) return;
    this.#soon = this.#options.clock.setTimeout(() => {
      this.#soon = undefined;
      this.save().catch((error: unknown) => this.#options.onError(asStoreError(error)));
    }, NEW_PLAYER_SAVE_MS);
  }

  /** The player of `guildId` changed: it is saved on the next save (if this process owns the guild). */
  markDirty(guildId: string): void {
    if (!this.#options.owns(guildId)) return;
    this.#removed.delete(guildId);
    this.#dirty.add(guildId);
  }

  /** The player of `guildId` is gone: its entry is deleted on the next save (if this process owns the guild). */
  markRemoved(guildId: string): void {
    if (!this.#options.owns(guildId)) return;
    this.#dirty.delete(guildId);
    this.#removed.add(guildId);
  }

  /** Whether anything waits to be saved. */
  get isDirty(): boolean {
    return this.#dirty.size > 0 || this.#removed.size > 0;
  }

  /** Saves what changed since the last save, in one batch. Saves never overlap. */
  async save(): Promise<void> {
    while (this.#saving) await this.#saving;
    this.#options.collectChanges?.((guildId) => this.markDirty(guildId));
    if (!this.isDirty) return;
    this.#saving = this.#saveOnce();
    try {
      await this.#saving;
    } finally {
      this.#saving = null;
    }
  }

  /**
   * Reads the saved players this process owns; bad entries (corrupt, unknown version) are reported
   * through `onError`, skipped, and deleted on the next save.
   */
  async restore(): Promise<RestoredState> {
    const { store, prefix } = this.#options;
    const players: SavedPlayer[] = [];
    for (const { key, value } of await store.list(`${prefix}players/`)) {
      const guildId = key.slice(`${prefix}players/`.length);
      if (!this.#options.owns(guildId)) continue;
      try {
        players.push(parsePlayerSnapshot(key, value));
      } catch (error) {
        this.#options.onError(asStoreError(error));
        this.markRemoved(guildId);
      }
    }
    return { players, sessions: sessionsToResume(players) };
  }

  /** Deletes the saved players this process owns (other processes' entries stay). */
  async clear(): Promise<void> {
    const { store, prefix } = this.#options;
    const owned = (await store.list(`${prefix}players/`)).filter((entry) =>
      this.#options.owns(entry.key.slice(`${prefix}players/`.length)),
    );
    this.#dirty.clear();
    this.#removed.clear();
    if (owned.length > 0) await store.write({ delete: owned.map((entry) => entry.key) });
  }

  async #saveOnce(): Promise<void> {
    const { store, prefix, clock } = this.#options;
    const started = clock.now();
    const dirty = [...this.#dirty];
    const removed = [...this.#removed];
    this.#dirty.clear();
    this.#removed.clear();
    const set: StoreEntry[] = [];
    const deleted: string[] = removed.map((guildId) => `${prefix}players/${guildId}`);
    for (const guildId of dirty) {
      const snapshot = this.#options.snapshot(guildId);
      if (snapshot) set.push({ key: `${prefix}players/${guildId}`, value: JSON.stringify(snapshot) });
      else deleted.push(`${prefix}players/${guildId}`);
    }
    try {
      await store.write({ set, delete: deleted });
    } catch (error) {
      // Nothing is lost: what failed is dirty again for the next save.
      for (const guildId of dirty) if (!this.#removed.has(guildId)) this.#dirty.add(guildId);
      for (const guildId of removed) if (!this.#dirty.has(guildId)) this.#removed.add(guildId);
      throw error;
    }
    this.#options.onSave?.({
      players: set.length,
      deleted: deleted.length,
      durationMs: clock.now() - started,
    });
  }
}

/** Per node, the session most of `players` were in (ties: the one saved last). */
function sessionsToResume(players: readonly SavedPlayer[]): Map<string, string> {
  interface Vote {
    count: number;
    latest: number;
  }
  const votes = new Map<string, Map<string, Vote>>();
  for (const { node, sessionId, timestamp } of players) {
    if (sessionId === null) continue;
    const byNode = votes.get(node) ?? new Map<string, Vote>();
    votes.set(node, byNode);
    const vote = byNode.get(sessionId) ?? { count: 0, latest: 0 };
    byNode.set(sessionId, { count: vote.count + 1, latest: Math.max(vote.latest, timestamp) });
  }
  const sessions = new Map<string, string>();
  for (const [node, byNode] of votes) {
    let best: { sessionId: string; vote: Vote } | undefined;
    for (const [sessionId, vote] of byNode) {
      const isBetter =
        !best ||
        vote.count > best.vote.count ||
        (vote.count === best.vote.count && vote.latest > best.vote.latest);
      if (isBetter) best = { sessionId, vote };
    }
    if (best) sessions.set(node, best.sessionId);
  }
  // A node none of the players is on may still hold players: copies of players that moved off it
  // while it was down, or players moved onto it just before the bot was killed, before they were
  // saved (soak seed 20: 90 guilds played on twice). Its latest known session is resumed, so that
  // whatever it holds that the pool does not is deleted. The latest one wins.
  const latest = new Map<string, number>();
  const consider = (node: string, sessionId: string, timestamp: number): void => {
    if (votes.has(node) || timestamp < (latest.get(node) ?? -Infinity)) return;
    latest.set(node, timestamp);
    sessions.set(node, sessionId);
  };
  for (const { formerSession, nodeSessions, timestamp } of players) {
    if (formerSession) consider(formerSession.node, formerSession.sessionId, timestamp);
    if (nodeSessions)
      for (const [node, sessionId] of Object.entries(nodeSessions)) consider(node, sessionId, timestamp);
  }
  return sessions;
}

function asStoreError(error: unknown): LavafleetError {
  return error instanceof Lfe
    ? error
    : new Lfe(
        ErrorCodes.Store,
        `Saving player state failed: ${String(error)}; it is retried on the next save`,
        { cause: error },
      );
}
