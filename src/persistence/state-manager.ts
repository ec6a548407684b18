/**
 * Keeps the store in step with the pool, cheaply: players mark themselves dirty when they change,
 * and a save writes only those (and deletes the removed ones) in one batch. Node session ids are
 * saved when they change.
 */
import type { LavafleetError } from '../errors.js';
import { ErrorCodes, LavafleetError as Lfe } from '../errors.js';
import type { PlayerSnapshot } from '../player/player-snapshot.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { NODE_SESSION_VERSION, parseNodeSession, parsePlayerSnapshot } from './snapshot.js';
import type { NodeSessionSnapshot } from './snapshot.js';
import type { StateStore, StoreEntry } from './state-store.js';

export interface StateManagerOptions {
  store: StateStore;
  /** Prefix of every key, per bot: `lavafleet/<userId>/`. */
  prefix: string;
  intervalMs: number;
  clock: Clock;
  /** Builds the snapshot of a dirty player, or null if it is gone. */
  snapshot(guildId: string): PlayerSnapshot | null;
  onError(error: LavafleetError): void;
  /** Called after each save with what was written. */
  onSave?(info: { players: number; deleted: number; durationMs: number }): void;
}

/** What a restore found. */
export interface RestoredState {
  players: PlayerSnapshot[];
  sessions: Map<string, NodeSessionSnapshot>;
}

export class StateManager {
  readonly #options: StateManagerOptions;
  readonly #dirty = new Set<string>();
  readonly #removed = new Set<string>();
  readonly #sessions = new Map<string, string>();
  readonly #dirtySessions = new Set<string>();
  #timer: TimerHandle | undefined;
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
  }

  markDirty(guildId: string): void {
    this.#removed.delete(guildId);
    this.#dirty.add(guildId);
  }

  markRemoved(guildId: string): void {
    this.#dirty.delete(guildId);
    this.#removed.add(guildId);
  }

  /** Records a node's session id (saved on the next save if it changed). */
  setSession(node: string, sessionId: string | null): void {
    if (sessionId === null || this.#sessions.get(node) === sessionId) return;
    this.#sessions.set(node, sessionId);
    this.#dirtySessions.add(node);
  }

  /** Whether anything waits to be saved. */
  get isDirty(): boolean {
    return this.#dirty.size > 0 || this.#removed.size > 0 || this.#dirtySessions.size > 0;
  }

  /** Saves what changed since the last save, in one batch. Saves never overlap. */
  async save(): Promise<void> {
    while (this.#saving) await this.#saving;
    if (!this.isDirty) return;
    this.#saving = this.#saveOnce();
    try {
      await this.#saving;
    } finally {
      this.#saving = null;
    }
  }

  /** Reads everything saved under the prefix; bad entries are reported and skipped. */
  async restore(): Promise<RestoredState> {
    const { store, prefix } = this.#options;
    const [playerEntries, sessionEntries] = await Promise.all([
      store.list(`${prefix}players/`),
      store.list(`${prefix}nodes/`),
    ]);
    const players: PlayerSnapshot[] = [];
    for (const { key, value } of playerEntries) {
      try {
        players.push(parsePlayerSnapshot(key, value));
      } catch (error) {
        this.#options.onError(asStoreError(error));
        this.#removed.add(key.slice(`${prefix}players/`.length));
      }
    }
    const sessions = new Map<string, NodeSessionSnapshot>();
    for (const { key, value } of sessionEntries) {
      try {
        const session = parseNodeSession(key, value);
        sessions.set(session.node, session);
        this.#sessions.set(session.node, session.sessionId);
      } catch (error) {
        this.#options.onError(asStoreError(error));
      }
    }
    return { players, sessions };
  }

  /** Deletes everything saved under the prefix. */
  async clear(): Promise<void> {
    const { store, prefix } = this.#options;
    const entries = [...(await store.list(`${prefix}players/`)), ...(await store.list(`${prefix}nodes/`))];
    this.#dirty.clear();
    this.#removed.clear();
    this.#dirtySessions.clear();
    this.#sessions.clear();
    if (entries.length > 0) await store.write({ delete: entries.map((entry) => entry.key) });
  }

  async #saveOnce(): Promise<void> {
    const { store, prefix, clock } = this.#options;
    const started = clock.now();
    const dirty = [...this.#dirty];
    const removed = [...this.#removed];
    const sessions = [...this.#dirtySessions];
    this.#dirty.clear();
    this.#removed.clear();
    this.#dirtySessions.clear();
    const set: StoreEntry[] = [];
    const deleted: string[] = removed.map((guildId) => `${prefix}players/${guildId}`);
    for (const guildId of dirty) {
      const snapshot = this.#options.snapshot(guildId);
      if (snapshot) set.push({ key: `${prefix}players/${guildId}`, value: JSON.stringify(snapshot) });
      else deleted.push(`${prefix}players/${guildId}`);
    }
    for (const node of sessions) {
      const sessionId = this.#sessions.get(node);
      if (sessionId === undefined) continue;
      const value: NodeSessionSnapshot = { v: NODE_SESSION_VERSION, node, sessionId, savedAt: started };
      set.push({ key: `${prefix}nodes/${node}`, value: JSON.stringify(value) });
    }
    try {
      await store.write({ set, delete: deleted });
    } catch (error) {
      // Nothing is lost: what failed is dirty again for the next save.
      for (const guildId of dirty) if (!this.#removed.has(guildId)) this.#dirty.add(guildId);
      for (const guildId of removed) if (!this.#dirty.has(guildId)) this.#removed.add(guildId);
      for (const node of sessions) this.#dirtySessions.add(node);
      throw error;
    }
    this.#options.onSave?.({
      players: set.length,
      deleted: deleted.length,
      durationMs: clock.now() - started,
    });
  }
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
